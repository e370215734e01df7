"""Ambassador suggestions on a hand-built organisation with exact expected picks (issue 19): per
part of the organisation (each department below the top) its most active person over the last two
quarters, with the reason in words; the most active of all does not take every part; activity
older than two quarters, inactive people and people invited or appointed already do not count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from engagement.models import ActivityKind
from engagement.selectors import Quarter, ambassador_suggestions
from engagement.services import activity_record
from engagement.services.ambassadors import ambassador_invite
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def _do(person, kind, n, *, at):
    for i in range(n):
        activity_record(
            employee_id=person.pk,
            kind=kind,
            source=f"{kind}:{person.pk}:{at.date()}:{i}",
            subject=f"{kind}:{i}",
            at=at + timedelta(days=i),
        )


def test_every_part_gets_its_most_active_with_the_reason():
    today = timezone.localdate()
    now = timezone.now()
    last_quarter = timezone.make_aware(
        timezone.datetime.combine(Quarter.of(today).previous().start, timezone.datetime.min.time())
    ) + timedelta(hours=10)
    root = DepartmentFactory(name="Organisation")
    sales = DepartmentFactory(name="Sales", parent=root)
    north = DepartmentFactory(name="Sales North", parent=sales)  # counts towards Sales
    ops = DepartmentFactory(name="Operations", parent=root)
    DepartmentFactory(name="Legal", parent=root)  # nobody active: no suggestion
    star = EmployeeFactory(department=north, first_name="Anna", last_name="Star")
    runner_up = EmployeeFactory(department=sales, first_name="Bo", last_name="Second")
    worker = EmployeeFactory(department=ops, first_name="Cas", last_name="Ops")
    gone = EmployeeFactory(department=ops, first_name="Dirk", last_name="Gone")
    old_timer = EmployeeFactory(department=ops, first_name="Eva", last_name="Oldie")
    _do(star, ActivityKind.COMPLETED, 6, at=last_quarter)  # 60 points, one a day
    _do(star, ActivityKind.HOSTED, 2, at=last_quarter)  # 16
    _do(star, ActivityKind.ATTENDED, 11, at=last_quarter)  # 33
    _do(runner_up, ActivityKind.COMPLETED, 3, at=now - timedelta(days=1))  # 30
    _do(worker, ActivityKind.ATTENDED, 2, at=last_quarter)  # 6
    _do(worker, ActivityKind.EVALUATED, 1, at=last_quarter)  # 2
    _do(gone, ActivityKind.COMPLETED, 5, at=last_quarter)
    gone.active = False
    gone.save(update_fields=["active"])
    _do(old_timer, ActivityKind.COMPLETED, 9, at=now - timedelta(days=400))  # long ago
    picks = [(s.department, s.name, s.points, s.reason) for s in ambassador_suggestions(today=today)]
    assert picks == [
        ("Legal", "", 0, ""),
        ("Operations", "Cas Ops", 8, "attended 2 moments, answered 1 evaluations"),
        ("Sales", "Anna Star", 109, "completed 6, hosted 2 sessions, attended 11 moments"),
    ]
    # Once invited, she is no suggestion any more: the next most active of Sales is.
    ambassador_invite(employee=star, by=worker)
    picks = [(s.department, s.name, s.points) for s in ambassador_suggestions(today=today)]
    assert picks[2] == ("Sales", "Bo Second", 30)


def test_the_suggestions_take_two_queries(django_assert_num_queries):
    root = DepartmentFactory(name="Organisation")
    for n in range(5):
        part = DepartmentFactory(name=f"Part {n}", parent=root)
        activity_record(employee_id=EmployeeFactory(department=part).pk, kind=ActivityKind.ATTENDED, source="a")
    with django_assert_num_queries(2):
        assert len(ambassador_suggestions()) == 5
