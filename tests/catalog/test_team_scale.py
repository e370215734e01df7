"""Team learning costs the same for three reports and for thousands (through the reporting lines),
with its figures right: one page of people, the whole team's overdue count in SQL and in line with
`mandatory_due`, and my own learning read without the team."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Enrolment, MandatoryRule, Status
from catalog.selectors import mandatory_due, mandatory_overdue_count, team_overdue_people
from monitoring.services import figures_keep_due
from people.audience import EVERYONE
from people.models import Employee
from tests.bigteam import grow_team, page_queries
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(time_machine):
    time_machine.move_to("2026-11-29 10:00")
    once = MandatoryRule.objects.create(
        item=ItemFactory(title="Code of conduct"), audience=EVERYONE, starts_on=date(2026, 1, 1), due_days=30
    )
    yearly = MandatoryRule.objects.create(
        item=ItemFactory(title="Fire safety"),
        audience=EVERYONE,
        starts_on=date(2026, 1, 1),
        due_days=30,
        renewal_months=12,
    )
    return once, yearly


def test_team_learning_holds_its_query_count_and_figures_for_thousands_of_reports(personas, client_for, rules):
    once, yearly = rules
    client = client_for(personas.manager)
    small, page = page_queries(client, "/catalog/team/")
    small_only, _only = page_queries(client, "/catalog/team/?overdue=1")
    assert "3 people in your team are overdue on mandatory training" in page
    assert "worked out on" not in page  # a small team's count is made now

    grown = grow_team(personas.manager, 2500, hired_on=date(2026, 11, 20))  # new: nothing overdue yet
    old = grow_team(personas.manager, 500, hired_on=date(2020, 1, 1))
    done_long_ago = datetime(2025, 6, 1, 12, tzinfo=UTC)  # renewal due June 2026: overdue again
    lately = datetime(2026, 3, 1, 12, tzinfo=UTC)
    Enrolment.objects.bulk_create(
        [Enrolment(employee=e, item=once.item, status=Status.COMPLETED, completed_at=lately) for e in old]
        + [Enrolment(employee=e, item=yearly.item, status=Status.COMPLETED, completed_at=lately) for e in old[:300]]
        + [
            Enrolment(employee=e, item=yearly.item, status=Status.COMPLETED, completed_at=done_long_ago)
            for e in old[300:]
        ]
        + [Enrolment(employee=e, item=yearly.item, status=Status.APPROVED) for e in grown[:100]]
    )
    figures_keep_due()  # the night: a team of 500 or more has its overdue count kept, and the page reads it
    large, page = page_queries(client, "/catalog/team/")
    assert large == small, (small, large)
    # the personas (3) owe both; 200 of the old hands owe the renewal; the new people owe nothing yet
    assert team_overdue_people(manager=personas.manager) == 203
    assert "203 people in your team are overdue on mandatory training" in page  # kept equals live
    assert "These figures were worked out on" in page
    fresh = client.get("/catalog/team/?fresh=1")
    assert (fresh.context["overdue_people"], fresh.context["kept_at"]) == (203, None)
    assert page.count('href="/people/') >= 50
    assert "Page 1 of 61" in page

    only_count, only = page_queries(client, "/catalog/team/?overdue=1")
    assert only_count == small_only
    assert "Page 1 of 5" in only  # 203 people, 50 a page

    # The SQL count agrees with mandatory_due for everyone it is asked about.
    sample = list(
        Employee.objects.filter(pk__in=[e.pk for e in old[290:310] + grown[:5]])
        | Employee.objects.filter(pk=personas.employee.pk)
    )
    dues = mandatory_due(sample)
    counted = dict(
        Employee.objects.filter(pk__in=[e.pk for e in sample])
        .annotate(n=mandatory_overdue_count())
        .values_list("pk", "n")
    )
    assert counted == {e.pk: len([d for d in dues.get(e.pk, []) if d.overdue]) for e in sample}
    looked_up = (
        Employee.objects.filter(pk__in=[e.pk for e in sample])
        .annotate(n=mandatory_overdue_count(per_person=True))
        .values_list("pk", "n")
    )
    assert dict(looked_up) == counted  # each person looked up counts as the hashed completions do
    assert {pk: n for pk, n in counted.items() if n} == {**{e.pk: 1 for e in old[300:310]}, personas.employee.pk: 2}


def test_my_learning_does_not_grow_with_the_managers_team(personas, client_for, rules):
    client = client_for(personas.manager)
    small, _page = page_queries(client, "/catalog/enrolments/")
    grown = grow_team(personas.manager, 2000)
    Enrolment.objects.bulk_create([Enrolment(employee=e, item=rules[0].item, status=Status.APPROVED) for e in grown])
    with CaptureQueriesContext(connection) as ctx:
        client.get("/catalog/enrolments/")
    assert len(ctx) == small
    assert all("people_reportingline" not in q["sql"] for q in ctx.captured_queries)
