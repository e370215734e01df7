"""Moment pages: what each person sees, bad input answered with messages (no 500), and a constant
number of queries for small and large data."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people.audience import EVERYONE, Audience
from policy.models import Attendance, LearningMoment, LearningTimePolicy, OccurrenceOverride
from policy.recurrence import next_occurrence
from policy.services import attendance_check_in, policy_create
from tests.factories import EmployeeFactory


def now_moment(make_moment, **fields):
    """A daily moment running right now (so check-in is open)."""
    start = (timezone.now() - timedelta(minutes=10)).astimezone(timezone.get_default_timezone())
    return make_moment(
        rrule="FREQ=DAILY",
        starts_on=start.date() - timedelta(days=3),
        start_time=start.time().replace(second=0, microsecond=0),
        duration_minutes=60,
        **fields,
    )


def test_my_moments_shows_next_join_link_hours_and_feed(client_for, employee, make_moment):
    make_moment(title="Tuesday learning", online_url="https://meet.example.test/x", starts_on=timezone.localdate())
    policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    page = client_for(employee).get(reverse("policy:my_moments"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tuesday learning" in html
    assert "https://meet.example.test/x" in html
    assert "of 40 hours" in html
    assert "/moments/feed/" in html


def test_check_in_from_the_page_and_htmx(client_for, employee, make_moment):
    moment = now_moment(make_moment)
    occurrence = next_occurrence(moment, timezone.now())
    client = client_for(employee)
    url = reverse("policy:check_in", kwargs={"pk": moment.pk})
    response = client.post(url, {"occurrence": occurrence.key}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "checked in" in response.content.decode()
    assert Attendance.objects.filter(employee=employee).count() == 1
    bad = client.post(url, {"occurrence": "garbage"}, headers={"HX-Request": "true"})
    assert bad.status_code == 400
    assert "Unknown occurrence" in bad.content.decode()
    assert Attendance.objects.count() == 1


def test_mute_toggle(client_for, employee, make_moment):
    moment = make_moment()
    client = client_for(employee)
    client.post(reverse("policy:mute", kwargs={"pk": moment.pk}), {"muted": "1"})
    assert moment.mutes.filter(employee=employee).exists()
    client.post(reverse("policy:mute", kwargs={"pk": moment.pk}), {"muted": "0"})
    assert not moment.mutes.exists()


def test_ld_creates_a_moment_and_bad_input_changes_nothing(client_for, hr, org):
    from tests.catalog.factories import ItemFactory

    first, second = ItemFactory(), ItemFactory()
    client = client_for(hr)
    data = {
        "title": "Friday learning",
        "audience_kind": "department",
        "audience_department": org["service"].pk,
        "rrule": "FREQ=WEEKLY;BYDAY=FR",
        "starts_on": "2026-01-02",
        "start_time": "15:00",
        "timezone": "Europe/Amsterdam",
        "duration_minutes": "30",
        "reminder_offsets": "1440, 15",
        "suggested_item_ids": f"{first.pk}, {second.pk}",
        "active": "on",
    }
    bad = client.post(reverse("policy:moment_create"), {**data, "rrule": "FREQ=WEEKLY;COUNT=3"})
    assert bad.status_code == 200
    assert "Leave out DTSTART" in bad.content.decode()
    bad = client.post(reverse("policy:moment_create"), {**data, "reminder_offsets": "a day"})
    assert "whole numbers" in bad.content.decode()
    bad = client.post(reverse("policy:moment_create"), {**data, "audience_kind": "job_group"})
    assert "Choose the job group" in bad.content.decode()
    assert not LearningMoment.objects.exists()
    ok = client.post(reverse("policy:moment_create"), data)
    assert ok.status_code == 302
    moment = LearningMoment.objects.get()
    assert (moment.reminder_offsets, moment.suggested_item_ids, moment.start_time) == (
        [1440, 15],
        [first.pk, second.pk],
        time(15),
    )


def test_ld_cancels_moves_and_restores_an_occurrence(client_for, hr, make_moment):
    moment = make_moment(starts_on=timezone.localdate())
    occurrence = next_occurrence(moment, timezone.now())
    url = reverse("policy:occurrences", kwargs={"pk": moment.pk})
    client = client_for(hr)
    assert client.post(url, {"action": "move", "occurrence": occurrence.key}).status_code == 400  # no new time
    assert client.post(url, {"action": "cancel", "occurrence": "20260101T000000Z"}).status_code == 400  # not one
    assert not OccurrenceOverride.objects.exists()
    assert client.post(url, {"action": "cancel", "occurrence": occurrence.key}).status_code == 302
    assert OccurrenceOverride.objects.get().cancelled
    new_local = (occurrence.start + timedelta(days=1)).astimezone(timezone.get_default_timezone())
    response = client.post(
        url, {"action": "move", "occurrence": occurrence.key, "new_start": new_local.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    override = OccurrenceOverride.objects.get()
    assert (override.cancelled, override.new_start) == (False, occurrence.start + timedelta(days=1))
    client.post(url, {"action": "restore", "occurrence": occurrence.key})
    assert not OccurrenceOverride.objects.exists()


def test_ld_policy_form_refuses_a_duplicate_scope(client_for, hr):
    client = client_for(hr)
    data = {"audience_kind": "everyone", "hours_per_fte": "40", "period": "year"}
    assert client.post(reverse("policy:policy_create"), data).status_code == 302
    again = client.post(reverse("policy:policy_create"), data)
    assert again.status_code == 400
    assert "already a policy for everyone" in again.content.decode()
    assert client.post(reverse("policy:policy_create"), {**data, "hours_per_fte": "-1"}).status_code == 400
    assert LearningTimePolicy.objects.count() == 1


def test_manager_sees_team_hours_not_others(client_for, manager, personas, make_moment):
    moment = now_moment(make_moment)
    occurrence = next_occurrence(moment, timezone.now())
    attendance_check_in(employee=personas.employee, moment=moment, original_start=occurrence.original_start)
    html = client_for(manager).get(reverse("policy:team_hours")).content.decode()
    assert personas.employee.full_name in html
    assert personas.indirect_report.full_name in html
    assert personas.other_employee.full_name not in html
    assert '<td class="text-end">1</td>' in html  # hours through people.formatting


def _grow(org, make_moment, n):
    for i in range(n):
        moment = make_moment(title=f"Moment {i}", audience=Audience.of("department", department=org["service"]))
        OccurrenceOverride.objects.create(
            moment=moment, original_start=next_occurrence(moment, timezone.now()).original_start, cancelled=True
        )
        EmployeeFactory(department=org["service"], manager=None)
    for kind in ("everyone",):
        LearningTimePolicy.objects.get_or_create(audience_kind=kind, defaults={"hours_per_fte": 40})


PAGES = [
    ("employee", "policy:my_moments", None),
    ("employee", "policy:moment_detail", "moment"),
    ("manager", "policy:team_hours", None),
    ("hr", "policy:manage", None),
    ("hr", "policy:occurrences", "moment"),
    ("employee", "policy:feed", "token"),
    ("employee", "policy:moment_ics", "moment"),
    ("employee", "api:my_moments", None),
]


@pytest.mark.parametrize(("who", "name", "arg"), PAGES)
def test_pages_run_a_constant_number_of_queries(
    who, name, arg, client_for, personas, org, make_moment, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from policy.services import calendar_feed_get

    first = make_moment(title="First", audience=Audience.of("department", department=org["service"]))
    kwargs = {}
    if arg == "moment":
        kwargs = {"pk": first.pk}
    elif arg == "token":
        kwargs = {"token": calendar_feed_get(employee=personas.employee).token}
    client = client_for(getattr(personas, who))
    url = reverse(name, kwargs=kwargs or None)
    client.get(url)  # warm the session and the feed row
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(org, make_moment, 12)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
