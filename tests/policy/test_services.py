"""Check-in, mute, scope resolution and the learning-time policy (hours against the target)."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from people.audience import EVERYONE, Audience
from people.registry import NEXT_LEARNING_MOMENT, registry
from policy.models import Attendance, LearningTimePolicy
from policy.selectors import hours_overview, learning_hours, moments_for_employee, reminder_recipient_ids
from policy.services import attendance_check_in, moment_mute, occurrence_cancel, policy_create
from tests.factories import EmployeeFactory


def utc(*args):
    return datetime(*args, tzinfo=UTC)


FIRST = utc(2026, 1, 6, 8)  # Tuesday 6 January 2026, 09:00 Amsterdam


def test_check_in_counts_once_and_only_in_the_window(make_moment, employee):
    moment = make_moment()
    with pytest.raises(ValidationError, match="opens"):
        attendance_check_in(employee=employee, moment=moment, original_start=FIRST, now=FIRST - timedelta(hours=1))
    attendance, created = attendance_check_in(employee=employee, moment=moment, original_start=FIRST, now=FIRST)
    assert created
    assert attendance.minutes == 30
    again, created = attendance_check_in(employee=employee, moment=moment, original_start=FIRST, now=FIRST)
    assert not created
    assert again.pk == attendance.pk
    with pytest.raises(ValidationError, match="closed"):
        attendance_check_in(
            employee=employee, moment=moment, original_start=FIRST + timedelta(days=7), now=FIRST + timedelta(days=9)
        )
    assert Attendance.objects.count() == 1


def test_no_check_in_to_a_cancelled_or_non_existent_occurrence_or_out_of_scope(make_moment, employee, org):
    moment = make_moment()
    occurrence_cancel(moment=moment, original_start=FIRST)
    with pytest.raises(ValidationError, match="cancelled"):
        attendance_check_in(employee=employee, moment=moment, original_start=FIRST, now=FIRST)
    with pytest.raises(ValidationError):
        attendance_check_in(employee=employee, moment=moment, original_start=FIRST + timedelta(hours=1), now=FIRST)
    finance = make_moment(title="Finance only", audience=Audience.of("department", department=org["finance"]))
    with pytest.raises(ValidationError, match="not for you"):
        attendance_check_in(employee=employee, moment=finance, original_start=FIRST, now=FIRST)


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_keep_one_attendance(require_postgres, make_moment):
    employee = EmployeeFactory()
    moment = make_moment()
    barrier, results = threading.Barrier(4), []

    def go():
        try:
            barrier.wait()
            results.append(attendance_check_in(employee=employee, moment=moment, original_start=FIRST, now=FIRST)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert Attendance.objects.filter(employee=employee).count() == 1


def test_scope_is_resolved_at_the_time_of_asking_and_mute_excludes(make_moment, personas, org):
    moment = make_moment(audience=Audience.of("department", department=org["service"]))
    in_service = {personas.manager.pk, personas.employee.pk, personas.team_lead.pk, personas.indirect_report.pk}
    assert set(reminder_recipient_ids(moment)) == in_service
    # The employee moves to Finance between two occurrences; a new colleague joins a sub-department.
    employee = personas.employee
    employee.department = org["finance"]
    employee.save()
    from tests.factories import DepartmentFactory

    sub = DepartmentFactory(parent=org["service"])
    newcomer = EmployeeFactory(department=sub)
    moment_mute(employee=personas.manager, moment=moment, muted=True)
    assert set(reminder_recipient_ids(moment)) == in_service - {employee.pk, personas.manager.pk} | {newcomer.pk}
    moment_mute(employee=personas.manager, moment=moment, muted=False)
    assert personas.manager.pk in reminder_recipient_ids(moment)


def test_moments_for_employee_by_scope(make_moment, personas, org):
    everyone = make_moment(title="Everyone")
    service = make_moment(title="Service", audience=Audience.of("department", department=org["root"]))
    agents = make_moment(title="Agents", audience=Audience.of("job_group", job_group=org["agents"]))
    make_moment(title="Finance", audience=Audience.of("department", department=org["finance"]))
    make_moment(title="Off", active=False)
    assert set(moments_for_employee(employee=personas.employee)) == {everyone, service, agents}
    assert set(moments_for_employee(employee=personas.manager)) == {everyone, service}


def test_most_specific_policy_wins(personas, org):
    policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    policy_create(
        audience=Audience.of("department", department=org["root"]), hours_per_fte=Decimal("30"), period="year"
    )
    policy_create(
        audience=Audience.of("department", department=org["service"]), hours_per_fte=Decimal("8"), period="quarter"
    )
    policy_create(
        audience=Audience.of("job_group", job_group=org["agents"]), hours_per_fte=Decimal("4"), period="month"
    )
    personas.manager.fte = Decimal("0.80")
    personas.manager.save()
    rows = {
        r.employee.pk: r
        for r in hours_overview([personas.employee, personas.manager, personas.hr], today=date(2026, 5, 20))
    }
    assert (rows[personas.employee.pk].target, rows[personas.employee.pk].period_start) == (
        Decimal("4.0"),
        date(2026, 5, 1),
    )
    assert (rows[personas.manager.pk].target, rows[personas.manager.pk].period_start) == (
        Decimal("6.4"),
        date(2026, 4, 1),
    )
    assert rows[personas.manager.pk].period_end == date(2026, 6, 30)
    assert (rows[personas.hr.pk].target, rows[personas.hr.pk].period_start) == (Decimal("30.0"), date(2026, 1, 1))


def test_one_policy_per_scope(org):
    policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    with pytest.raises(ValidationError):
        policy_create(audience=EVERYONE, hours_per_fte=Decimal("20"), period="year")
    with pytest.raises(ValidationError):
        policy_create(
            audience=Audience("department"), hours_per_fte=Decimal("20"), period="year"
        )  # no department chosen
    with pytest.raises(ValidationError):
        policy_create(audience=EVERYONE, hours_per_fte=Decimal("0"), period="year")
    assert LearningTimePolicy.objects.count() == 1


def test_hours_from_attended_moments(make_moment, employee, other_employee):
    moment = make_moment(duration_minutes=90)
    attendance_check_in(employee=employee, moment=moment, original_start=FIRST, now=FIRST)
    attendance_check_in(
        employee=employee, moment=moment, original_start=FIRST + timedelta(days=7), now=FIRST + timedelta(days=7)
    )
    start, end = utc(2026, 1, 1), utc(2027, 1, 1)
    assert learning_hours([employee.pk, other_employee.pk], start, end) == {
        employee.pk: Decimal("3.00"),
        other_employee.pk: Decimal("0"),
    }
    # Outside the period nothing counts.
    assert learning_hours([employee.pk], utc(2027, 1, 1), utc(2028, 1, 1)) == {employee.pk: Decimal("0")}


def test_next_learning_moment_provider(make_moment, employee):
    make_moment(title="Weekly", start_time=time(9, 0))
    text = registry.use(NEXT_LEARNING_MOMENT)(employee)
    assert text.startswith("Weekly, ")
    assert registry.use(NEXT_LEARNING_MOMENT)(EmployeeFactory()) is not None  # everyone's moment
