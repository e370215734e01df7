"""Every point rule with exact figures: points per event, the daily cap, nothing for a repeat,
the reversal of a cancelled enrolment, and only real events (issue 19)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError

from catalog import services as catalog
from engagement.models import Activity, ActivityKind, Outcome
from engagement.services import activity_record, activity_reverse, point_rule_save
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _total(employee) -> int:
    return sum(Activity.objects.filter(employee=employee).values_list("points", flat=True))


def _attend(employee, n: int, *, at=MONDAY):
    return activity_record(
        employee_id=employee.pk,
        kind=ActivityKind.ATTENDED,
        source=f"attendance:1:{n}",
        subject=f"moment:{n}",
        at=at,
    )


def test_a_completed_training_counts_its_points_and_the_request_one(employee):
    item = ItemFactory(title="Excel for planners")
    enrolment = catalog.enrolment_request(employee=employee, item=item, motivation="Planning.")
    catalog.enrolment_complete(enrolment=enrolment, by=employee.user, helped_in_work=True)
    lines = list(
        Activity.objects.filter(employee=employee).order_by("pk").values_list("kind", "points", "outcome", "label")
    )
    assert lines == [
        ("enrolled", 1, "counted", "Excel for planners"),
        ("completed", 10, "counted", "Excel for planners"),
    ]


def test_a_cancelled_enrolment_earns_nothing_a_reversal_takes_its_point_back(employee):
    enrolment = catalog.enrolment_request(employee=employee, item=ItemFactory(), motivation="Why not.")
    assert _total(employee) == 1
    catalog.enrolment_cancel(enrolment=enrolment, by=employee.user)
    lines = list(Activity.objects.filter(employee=employee).order_by("pk").values_list("points", "outcome"))
    assert lines == [(1, "counted"), (-1, "reversal")]
    assert _total(employee) == 0
    # a second cancel event (a retry) reverses nothing more
    assert (
        activity_reverse(employee_id=employee.pk, kind=ActivityKind.ENROLLED, source=f"enrolment:{enrolment.pk}")
        is None
    )
    assert _total(employee) == 0


def test_the_daily_cap_counts_part_of_the_event_that_reaches_it_and_nothing_after(employee):
    # attending: 3 points, at most 6 a day by default; set 3 and 7 to see a part
    point_rule_save(kind=ActivityKind.ATTENDED, points=3, daily_cap=7, repeat_days=0, by=None)
    outcomes = [(a.points, a.outcome) for a in (_attend(employee, n) for n in range(4))]
    assert outcomes == [(3, Outcome.COUNTED), (3, Outcome.COUNTED), (1, Outcome.PART_CAPPED), (0, Outcome.CAPPED)]
    # the next day the cap starts again
    assert _attend(employee, 9, at=MONDAY + timedelta(days=1)).points == 3
    assert _total(employee) == 10


def test_the_same_event_twice_is_recorded_once(employee):
    assert _attend(employee, 1) is not None
    assert _attend(employee, 1) is None
    assert Activity.objects.filter(employee=employee).count() == 1


def test_repeating_the_same_action_on_the_same_thing_earns_nothing_within_the_window(employee):
    item = ItemFactory()
    point_rule_save(kind=ActivityKind.ENROLLED, points=1, daily_cap=None, repeat_days=30, by=None)

    def enrol(n, at):
        return activity_record(
            employee_id=employee.pk,
            kind=ActivityKind.ENROLLED,
            source=f"enrolment:{n}",
            subject=f"item:{item.pk}",
            at=at,
        )

    assert (enrol(1, MONDAY).points, enrol(2, MONDAY + timedelta(days=29)).outcome) == (1, Outcome.REPEAT)
    assert enrol(3, MONDAY + timedelta(days=31)).points == 1  # outside the window it counts again
    other = activity_record(
        employee_id=employee.pk, kind=ActivityKind.ENROLLED, source="enrolment:4", subject="item:999", at=MONDAY
    )
    assert other.points == 1  # another item is no repeat
    assert _total(employee) == 3


def test_a_reversed_line_does_not_make_the_next_one_a_repeat(employee):
    item = ItemFactory()
    first = catalog.enrolment_request(employee=employee, item=item, motivation="x")
    catalog.enrolment_cancel(enrolment=first, by=employee.user)
    second = catalog.enrolment_request(employee=employee, item=item, motivation="x")
    line = Activity.objects.get(source=f"enrolment:{second.pk}", reverses=None)
    assert (line.points, line.outcome) == (1, Outcome.COUNTED)


def test_a_rule_at_zero_points_records_the_event_without_points(employee):
    point_rule_save(kind=ActivityKind.ATTENDED, points=0, daily_cap=None, repeat_days=0, by=None)
    line = _attend(employee, 1)
    assert (line.points, line.outcome) == (0, Outcome.OFF)


def test_rule_validation_refuses_a_cap_below_one_event():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        point_rule_save(kind=ActivityKind.ATTENDED, points=5, daily_cap=3, repeat_days=0, by=None)
    assert "daily_cap" in caught.value.message_dict


def test_a_checked_in_learning_moment_counts_once(employee):
    from people.signals import domain_event

    payload = {
        "moment_id": 7,
        "employee_id": employee.pk,
        "occurrence": MONDAY.isoformat(),
        "title": "Tuesday learning",
    }
    domain_event.send(sender=None, name="policy.checked_in", payload=payload)
    domain_event.send(sender=None, name="policy.checked_in", payload=payload)
    assert list(Activity.objects.filter(employee=employee).values_list("kind", "points", "label")) == [
        ("attended", 3, "Tuesday learning")
    ]


def test_a_hosted_session_counts_once_for_its_host_when_people_check_in(employee):
    """Through policy's real check-in: the first colleague who checks in makes the session held;
    a second adds nothing for the host; the host checking in to their own session is no host line."""
    from datetime import date, time

    from policy.services import attendance_check_in, moment_create
    from tests.factories import EmployeeFactory

    host, colleague = EmployeeFactory(), EmployeeFactory()
    first = datetime(2026, 1, 6, 8, tzinfo=UTC)  # Tuesday 09:00 in Amsterdam
    moment = moment_create(
        title="Excel tips from Sam",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=date(2026, 1, 6),
        start_time=time(9, 0),
        timezone="Europe/Amsterdam",
        duration_minutes=30,
        host=host,
    )
    for person in (employee, colleague, host):
        attendance_check_in(employee=person, moment=moment, original_start=first, now=first)
    attendance_check_in(
        employee=employee, moment=moment, original_start=first + timedelta(days=7), now=first + timedelta(days=7)
    )
    hosted = Activity.objects.filter(employee=host, kind=ActivityKind.HOSTED).order_by("occurred_at")
    assert list(hosted.values_list("points", "label", "occurred_at")) == [
        (8, "Excel tips from Sam", first),
        (8, "Excel tips from Sam", first + timedelta(days=7)),
    ]
    assert Activity.objects.filter(employee=host, kind=ActivityKind.ATTENDED).count() == 1
    assert not Activity.objects.filter(employee=employee, kind=ActivityKind.HOSTED).exists()


def test_an_answered_evaluation_counts_a_custom_survey_does_not(employee):
    from people.signals import domain_event

    for pk, kind in ((1, "evaluation"), (2, "custom"), (1, "evaluation")):
        domain_event.send(
            sender=None,
            name="surveys.response_submitted",
            survey_id=pk,
            survey_kind=kind,
            title="t",
            employee_id=employee.pk,
            at=MONDAY,
        )
    assert list(Activity.objects.filter(employee=employee).values_list("kind", "points")) == [("evaluated", 2)]


@pytest.mark.usefixtures("require_postgres")
def test_postgresql_refuses_to_edit_a_ledger_line(employee):
    line = _attend(employee, 1)
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE engagement_activity SET points = 99 WHERE id = %s", [line.pk])
    line.refresh_from_db()
    assert line.points == 3
