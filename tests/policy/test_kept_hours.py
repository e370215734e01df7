"""L&D's hours per scope kept (issue 21): the frequent task keeps today's hours per scope, they
equal the ones worked out now, the moments' manage page reads them and says when they were worked
out, `?fresh=1` or a policy saved or deleted since works them out now, an older day's row goes,
and the page's query count stays the same as the organisation grows."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Enrolment, Status
from people.audience import EVERYONE, Audience
from policy.models import Attendance, KeptHours
from policy.selectors import hours_per_scope, hours_per_scope_kept
from policy.services import hours_keep_due, policy_create, policy_delete, policy_update
from tests.bigteam import grow_team, page_queries
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 5, 20, 10, tzinfo=UTC)
SAID = "These figures were worked out on"


@pytest.fixture
def policies(personas, org, make_moment, time_machine):
    time_machine.move_to(TODAY)
    everyone = policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    service = policy_create(
        audience=Audience.of("department", department=org["service"]), hours_per_fte=Decimal("4"), period="quarter"
    )
    moment = make_moment()
    Attendance.objects.create(
        moment=moment, employee=personas.employee, occurrence_start=datetime(2026, 5, 3, 9, tzinfo=UTC), minutes=300
    )
    item = ItemFactory(duration_hours=Decimal("5.0"))
    Enrolment.objects.create(
        employee=personas.manager, item=item, status=Status.COMPLETED, completed_at=datetime(2026, 4, 2, 9, tzinfo=UTC)
    )
    return everyone, service


def test_the_kept_hours_per_scope_equal_the_live_ones_and_hold_while_the_policies_do(policies):
    _everyone, service = policies
    assert hours_per_scope_kept() is None  # nothing kept yet
    assert hours_keep_due() is True
    assert hours_keep_due() is False  # kept for today, under these policies
    kept = hours_per_scope_kept()
    assert kept is not None
    live = hours_per_scope()
    assert kept.scopes == live
    assert sum(s["on_track"] for s in live) >= 1  # the employee's 5 hours reach the quarter's 4
    policy_update(policy=service, hours_per_fte=Decimal("6"))
    assert hours_per_scope_kept() is None  # who is on track changed: worked out now
    assert hours_keep_due() is True
    assert hours_per_scope_kept().scopes == hours_per_scope()
    policy_delete(policy=service)
    assert hours_per_scope_kept() is None
    assert hours_keep_due() is True
    assert hours_per_scope_kept().scopes == hours_per_scope()


def test_a_new_day_keeps_its_own_hours_and_the_older_row_goes(policies):
    hours_keep_due(today=date(2026, 5, 19))
    assert hours_per_scope_kept() is None  # yesterday's are not today's
    assert hours_keep_due() is True
    assert list(KeptHours.objects.values_list("day", flat=True)) == [TODAY.date()]
    assert hours_per_scope_kept(today=TODAY.date() + timedelta(days=1)) is None


def test_the_manage_page_reads_the_kept_hours_and_says_when(personas, client_for, policies):
    client = client_for(personas.hr)
    url = reverse("policy:manage")
    live = client.get(url)
    assert live.context["kept_at"] is None
    assert SAID not in live.content.decode()
    hours_keep_due()
    kept = client.get(url)
    html = kept.content.decode()
    assert kept.context["kept_at"] is not None
    assert SAID in html
    assert 'href="?fresh=1"' in html
    fresh = client.get(url + "?fresh=1")
    assert fresh.context["kept_at"] is None
    assert kept.context["scopes"] == fresh.context["scopes"] == live.context["scopes"]
    client.cookies["django_language"] = "nl"
    assert "Deze cijfers zijn berekend op" in client.get(url).content.decode()


def test_the_manage_page_with_kept_hours_holds_its_query_count_as_the_organisation_grows(
    personas, client_for, policies
):
    client = client_for(personas.hr)
    url = reverse("policy:manage")
    hours_keep_due()
    small, _html = page_queries(client, url)
    grow_team(personas.manager, 300)
    KeptHours.objects.all().delete()
    hours_keep_due()
    large, html = page_queries(client, url)
    assert large == small
    assert SAID in html
    assert "304" in html  # the grown team and the four personas in Customer Service
    fresh, _html = page_queries(client, url + "?fresh=1")
    assert small < fresh  # the kept row instead of the statement over everyone
