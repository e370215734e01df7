"""API tokens against every other app's endpoints: each scope, a token without one, revoked and
expired tokens, and no token. With test_api.TOKEN_ROWS this covers every API and SCIM URL."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from catalog.models import CatalogSettings
from catalog.services import mandatory_rule_create
from people.audience import EVERYONE
from tests.catalog.factories import EnrolmentFactory, ItemFactory
from tests.factories import EmployeeFactory
from tests.hris.test_api import TOKEN_ROWS

pytestmark = pytest.mark.django_db

TOKENS = ("none", "hris_write", "lms_write", "reporting_read", "no_scope", "revoked", "expired")


def _client(persona, api):
    return {
        "none": lambda: Client(),
        "hris_write": lambda: api("hris:write"),
        "lms_write": lambda: api("lms:write"),
        "reporting_read": lambda: api("reporting:read"),
        "no_scope": lambda: api(),
        "revoked": lambda: api("hris:write", revoked=True),
        "expired": lambda: api("hris:write", expired=True),
    }[persona]()


def expect(**granted):
    """401 without a valid token, 403 for a valid token without the right scope, unless granted."""
    return {
        "none": 401,
        "revoked": 401,
        "expired": 401,
        "hris_write": 403,
        "lms_write": 403,
        "reporting_read": 403,
        "no_scope": 403,
        **granted,
    }


def _objects():
    CatalogSettings.current()
    employee = EmployeeFactory(external_id="E-M1")
    item = ItemFactory(title="Safety basics", cost=Decimal("0.00"), level_secondary=True)
    enrolment = EnrolmentFactory(employee=employee, item=item, status="approved")
    rule = mandatory_rule_create(item=item, audience=EVERYONE, starts_on=date(2026, 1, 1), due_days=30)
    return {"employee": employee, "item": item, "enrolment": enrolment, "rule": rule}


def _closed_survey(objects) -> dict:
    """A closed survey (no responses: every group hidden), made once per test."""
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Survey
    from surveys.services import question_add, survey_close, survey_create, survey_open

    survey = Survey.objects.filter(title="Token survey").first()
    if survey is None:
        survey = survey_create(audience=EVERYONE, title="Token survey", closes_at=timezone.now() + timedelta(days=1))
        question_add(survey=survey, kind="likert", text="Learning is fun")
        survey = survey_close(survey=survey_open(survey=survey))
    return {"pk": survey.pk}


def _goal(objects) -> dict:
    """A draft goal on the organisation (made once per test)."""
    from datetime import timedelta

    from django.utils import timezone

    from goals.models import Goal

    goal = Goal.objects.filter(title="Token goal").first()
    if goal is None:
        goal = Goal(
            title="Token goal",
            why="Why",
            metric="participation",
            target=Decimal(50),
            deadline=timezone.localdate() + timedelta(days=90),
            owner=objects["employee"],
            sponsor=EmployeeFactory(external_id="E-M2"),
        )
        goal.audience = EVERYONE
        goal.save()
    return {"pk": goal.pk}


def _department(objects) -> dict:
    return {"pk": objects["employee"].department_id}


def _programme(objects) -> dict:
    """A programme on the organisation (made once per test)."""
    from adoption.models import Programme
    from adoption.services import programme_create

    programme = Programme.objects.filter(name="Token programme").first()
    if programme is None:
        from people.audience import Audience, AudienceKind

        audience = Audience.of(AudienceKind.DEPARTMENT, department=objects["employee"].department)
        programme = programme_create(owner=objects["employee"], name="Token programme", audience=audience)
    return {"pk": programme.pk}


ROWS = [
    # Engagement: reporting systems read a department's board (names only of those who opted in).
    ("get", "api:engagement-board", _department, None, expect(reporting_read=200)),
    # Adoption: reporting systems read the programmes with their checklist and barrier figures.
    ("get", "api:programme-list", None, None, expect(reporting_read=200)),
    ("get", "api:programme-detail", _programme, None, expect(reporting_read=200)),
    # Goals: reporting systems read every goal with its figures and history.
    ("get", "api:goal-list", None, None, expect(reporting_read=200)),
    ("get", "api:goal-detail", _goal, None, expect(reporting_read=200)),
    # Surveys: reporting systems read closed surveys' results (aggregates, under the same rules).
    ("get", "api:survey-list", None, None, expect(reporting_read=200)),
    ("get", "api:survey-detail", _closed_survey, None, expect(reporting_read=200)),
    ("get", "api:survey-results", _closed_survey, None, expect(reporting_read=200)),
    # Budgets: reporting systems read them; people-only endpoints refuse every token.
    ("get", "api:budget-list", None, None, expect(reporting_read=200)),
    ("get", "api:budget-me", None, None, expect()),
    # The catalog: an HRIS or catalog feed writes items; an LMS reports enrolments and completions.
    ("get", "api:learning-item-list", None, None, expect(hris_write=200, lms_write=200, reporting_read=200)),
    (
        "get",
        "api:learning-item-detail",
        lambda o: {"pk": o["item"].pk},
        None,
        expect(hris_write=200, lms_write=200, reporting_read=200),
    ),
    (
        "post",
        "api:learning-item-list",
        None,
        lambda o: {
            "items": [
                {
                    "provider": "Acme",
                    "provider_key": "A-1",
                    "title": "New course",
                    "format": "webinar",
                    "levels": ["basic"],
                    "duration_hours": "1",
                }
            ]
        },
        expect(hris_write=200),
    ),
    # Mandatory rules: catalog systems read and write them, reporting reads them.
    ("get", "api:mandatory-rule-list", None, None, expect(hris_write=200, reporting_read=200)),
    (
        "get",
        "api:mandatory-rule-detail",
        lambda o: {"pk": o["rule"].pk},
        None,
        expect(hris_write=200, reporting_read=200),
    ),
    (
        "post",
        "api:mandatory-rule-list",
        None,
        lambda o: {"item": o["item"].pk, "audience": {"kind": "everyone"}, "starts_on": "2026-01-01", "due_days": 30},
        expect(hris_write=201),
    ),
    (
        "patch",
        "api:mandatory-rule-detail",
        lambda o: {"pk": o["rule"].pk},
        lambda o: {"due_days": 5},
        expect(hris_write=200),
    ),
    ("delete", "api:mandatory-rule-detail", lambda o: {"pk": o["rule"].pk}, None, expect(hris_write=204)),
    ("get", "api:enrolment-list", None, None, expect(hris_write=200, lms_write=200, reporting_read=200)),
    (
        "get",
        "api:enrolment-detail",
        lambda o: {"pk": o["enrolment"].pk},
        None,
        expect(hris_write=200, lms_write=200, reporting_read=200),
    ),
    (
        "post",
        "api:enrolment-list",
        None,
        lambda o: {"employee_external_id": o["employee"].external_id, "item_id": o["item"].pk},
        expect(hris_write=201, lms_write=201),
    ),
    # Monitoring: reporting systems read the metrics; a token is nobody's manager, so no team scope.
    ("get", "api:metric-list", None, None, expect(reporting_read=200)),
    ("get", "api:metric-value", lambda o: {"name": "participation"}, None, expect(reporting_read=200)),
    (
        "get",
        "api:metric-breakdown",
        lambda o: {"name": "participation", "?": "by=department"},
        None,
        expect(reporting_read=200),
    ),
    ("get", "api:metric-series", lambda o: {"name": "participation"}, None, expect(reporting_read=200)),
    # About the signed-in person only: no token is a person.
    ("get", "api:notifications", None, None, expect()),
    ("post", "api:notifications_read", None, lambda o: {}, expect()),
    ("get", "api:my_moments", None, None, expect()),
]
CASES = [(row, persona) for row in ROWS for persona in TOKENS]


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r[0]}-{r[1]}-{p}" for r, p in CASES])
def test_token_access_to_every_app(row, persona, api):
    method, name, kwargs, data, expected = row
    objects = _objects()
    client = _client(persona, api)
    kwargs = dict(kwargs(objects)) if kwargs else {}
    query = kwargs.pop("?", "")  # a query string the endpoint requires
    url = reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
    if data is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, data=json.dumps(data(objects)), content_type="application/json")
    assert response.status_code == expected[persona], response.content[:300]
    if response.status_code == 401:
        assert response.has_header("WWW-Authenticate")


def _names(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_api_and_scim_url_has_token_rows():
    names = {n for n in _names(get_resolver()) if n.startswith(("api:", "scim:"))}
    covered = {row[1] for row in ROWS} | {row[1] for row in TOKEN_ROWS}
    # SCIM endpoints share one authentication and permission class; two rows stand for all of them.
    missing = sorted(n for n in names - covered if not n.startswith("scim:"))
    assert missing == [], f"API URLs without token rows: {missing}"
