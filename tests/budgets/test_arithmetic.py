"""Periods, the most specific policy, pro rata by FTE and hire date, carry-over and expiry: Decimal
arithmetic rounded to cents (half up) with no drift."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from budgets.models import Budget, BudgetPolicy, CarryOver, EntryKind, LedgerEntry, cents
from budgets.services import budget_allocate, budget_commit, budget_expire, policy_period
from people.audience import Audience
from people.audience import AudienceKind as K
from people.services import employee_update
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

D = Decimal


def allocation_sum(budget):
    return sum(e.allocated for e in LedgerEntry.objects.filter(budget=budget, kind=EntryKind.ALLOCATION))


@pytest.mark.parametrize(
    ("start", "months", "on", "expected"),
    [
        (date(2026, 1, 1), 12, date(2026, 11, 29), (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2024, 9, 1), 12, date(2026, 3, 1), (date(2025, 9, 1), date(2026, 8, 31))),
        (date(2026, 1, 1), 6, date(2026, 7, 1), (date(2026, 7, 1), date(2026, 12, 31))),
        (date(2026, 1, 31), 1, date(2026, 2, 27), (date(2026, 1, 31), date(2026, 2, 27))),
        (date(2026, 1, 31), 1, date(2026, 2, 28), (date(2026, 2, 28), date(2026, 3, 30))),
        (date(2027, 1, 1), 12, date(2026, 5, 5), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_containing_a_date(start, months, on, expected):
    policy = BudgetPolicy(name="p", amount=D(1), period_start=start, period_months=months)
    assert policy_period(policy, on) == expected


def test_rounding_is_half_up_to_cents():
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("2.675")) == D("2.68")
    assert cents(D("-0.005")) == D("-0.01")


@pytest.mark.parametrize(
    ("fte", "hired_on", "amount", "hours"),
    [
        ("1.00", None, "1000.00", "40.00"),
        ("0.80", None, "800.00", "32.00"),
        ("1.00", date(2026, 7, 1), "504.11", "20.16"),  # 184 of 365 days
        ("0.60", date(2026, 3, 15), "480.00", "19.20"),  # 292 of 365 days = 0.8
        ("0.50", date(2025, 3, 1), "500.00", "20.00"),  # hired before the period: full period
    ],
)
def test_allocation_pro_rata_by_fte_and_hire_date(policy, fte, hired_on, amount, hours):
    e = EmployeeFactory(fte=D(fte), hired_on=hired_on)
    budget_allocate(on=date(2026, 11, 1))
    budget = Budget.objects.get(employee=e)
    assert (budget.allocated, budget.hours_allocated) == (D(amount), D(hours))
    assert (budget.period_start, budget.period_end, budget.expires_on) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2026, 12, 31),
    )


def test_someone_hired_after_the_period_gets_nothing_yet(policy):
    e = EmployeeFactory(hired_on=date(2027, 2, 1))
    budget_allocate(on=date(2026, 11, 1))
    assert not Budget.objects.filter(employee=e).exists()


def test_most_specific_policy_wins(policy, org):
    sub = org["service"]
    START = date(2026, 1, 1)
    dept_policy = BudgetPolicy.objects.create(
        name="Org", audience=Audience.of(K.DEPARTMENT, department=org["root"]), amount=D(1100), period_start=START
    )
    deeper = BudgetPolicy.objects.create(
        name="Service", audience=Audience.of(K.DEPARTMENT, department=sub), amount=D(1200), period_start=START
    )
    group = BudgetPolicy.objects.create(
        name="Agents", audience=Audience.of(K.JOB_GROUP, job_group=org["agents"]), amount=D(1300), period_start=START
    )
    both = BudgetPolicy.objects.create(
        name="Service agents",
        audience=Audience.of(K.DEPARTMENT_JOB_GROUP, department=org["root"], job_group=org["leads"]),
        amount=D(1400),
        period_start=date(2026, 1, 1),
    )
    outside = EmployeeFactory(department=None, job_group=None)
    in_root = EmployeeFactory(department=org["root"], job_group=None)
    in_service = EmployeeFactory(department=sub, job_group=None)
    agent = EmployeeFactory(department=sub, job_group=org["agents"])
    lead = EmployeeFactory(department=sub, job_group=org["leads"])
    budget_allocate(on=date(2026, 2, 1))
    got = {b.employee_id: b.policy_id for b in Budget.objects.all()}
    assert got == {
        outside.pk: policy.pk,
        in_root.pk: dept_policy.pk,
        in_service.pk: deeper.pk,
        agent.pk: group.pk,
        lead.pk: both.pk,
    }


def test_reallocation_over_many_fte_changes_never_drifts(policy, time_machine):
    """Each change re-allocates the rest of the period; the allocations always add up to the exact
    entitlement rounded once, never to a sum of separately rounded pieces."""
    time_machine.move_to("2026-01-01 12:00")
    e = EmployeeFactory(fte=D("1.00"))
    budget_allocate()
    exact = Fraction(1000)
    previous = Fraction(1)
    days = 365
    for day_of_year, fte in [(17, "0.33"), (40, "0.77"), (100, "0.31"), (101, "1.17"), (222, "0.01"), (300, "0.99")]:
        on = date.fromordinal(date(2026, 1, 1).toordinal() + day_of_year)
        time_machine.move_to(f"{on.isoformat()} 12:00")
        employee_update(employee=e, fte=D(fte))
        remaining = Fraction(days - day_of_year, days)
        exact += (Fraction(fte) - previous) * 1000 * remaining
        previous = Fraction(fte)
        budget = Budget.objects.get(employee=e)
        expected = cents(D(exact.numerator) / D(exact.denominator))
        assert allocation_sum(budget) == budget.allocated == expected
    assert LedgerEntry.objects.filter(budget=budget, kind=EntryKind.ALLOCATION).count() == 7


def test_allocation_runs_twice_allocate_once(policy):
    people = [EmployeeFactory() for _ in range(5)]
    first = budget_allocate(on=date(2026, 3, 1))
    second = budget_allocate(on=date(2026, 3, 2))
    assert first == {"created": 5, "reallocated": 0}
    assert second == {"created": 0, "reallocated": 0}
    assert LedgerEntry.objects.count() == 5
    assert Budget.objects.filter(employee__in=people).count() == 5


def test_hire_and_change_through_people_services_allocate_once(policy, org, time_machine):
    from people.services import employee_create
    from people.signals import employees_changed

    time_machine.move_to("2026-07-01 09:00")
    e = employee_create(first_name="Anouk", last_name="Bakker", email="anouk@example.test", hired_on=date(2026, 7, 1))
    budget = Budget.objects.get(employee=e)
    assert budget.allocated == D("504.11")
    employee_update(employee=e, fte=D("0.50"))
    # The same change arriving again (a retried HRIS sync) allocates nothing more.
    employees_changed.send(sender=None, created=set(), updated={e.pk}, deactivated=set())
    employees_changed.send(sender=None, created={e.pk}, updated=set(), deactivated=set())
    budget.refresh_from_db()
    assert budget.allocated == D("252.05")  # 504.11 for the whole stretch at 0.5 FTE, 252.054.. rounded
    assert LedgerEntry.objects.filter(budget=budget).count() == 2


@pytest.mark.parametrize(
    ("rule", "limit", "carried", "expired"),
    [
        (CarryOver.NONE, "0", "0.00", "600.00"),
        (CarryOver.UP_TO, "250", "250.00", "350.00"),
        (CarryOver.ALL, "0", "600.00", "0.00"),
    ],
)
def test_carry_over_and_expiry(policy, enrolment, rule, limit, carried, expired):
    policy.carry_over, policy.carry_over_limit = rule, D(limit)
    policy.save()
    e = EmployeeFactory()
    budget_allocate(on=date(2026, 6, 1))
    old = Budget.objects.get(employee=e)
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 1)):
        budget_commit(enrolment=enrolment(e, "400.00"))
    if rule != CarryOver.UP_TO:  # the period-start run came first; for UP_TO expiry creates the budget itself
        budget_allocate(on=date(2027, 1, 1))
    budget_expire(budget_id=old.pk, today=date(2027, 1, 1))
    budget_expire(budget_id=old.pk, today=date(2027, 1, 2))  # a second run does nothing
    old.refresh_from_db()
    new = Budget.objects.get(employee=e, period_start=date(2027, 1, 1))
    assert old.available == 0
    assert old.committed == D("400.00")  # what is committed stays committed
    assert new.allocated == D("1000.00") + D(carried)
    expiry = LedgerEntry.objects.filter(budget=old, kind=EntryKind.EXPIRY).first()
    assert (expiry.allocated if expiry else D("0.00")) == -D(expired)
    assert LedgerEntry.objects.filter(kind=EntryKind.CARRY_OVER).count() == (2 if D(carried) else 0)


def test_grace_days_keep_a_budget_usable_after_its_period(policy, enrolment):
    from unittest import mock

    policy.grace_days = 31
    policy.save()
    e = EmployeeFactory()
    budget_allocate(on=date(2026, 6, 1))
    old = Budget.objects.get(employee=e)
    assert old.expires_on == date(2027, 1, 31)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2027, 1, 15)):
        entry = budget_commit(enrolment=enrolment(e, "100"))
    assert entry.budget_id == old.pk
    assert budget_expire(budget_id=old.pk, today=date(2027, 1, 31)) is None  # not yet


def test_money_released_after_expiry_expires_too(policy, enrolment):
    from unittest import mock

    from budgets.services import budget_release

    e = EmployeeFactory()
    budget_allocate(on=date(2026, 6, 1))
    old = Budget.objects.get(employee=e)
    enr = enrolment(e, "400.00")
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 6, 1)):
        budget_commit(enrolment=enr)
    budget_allocate(on=date(2027, 1, 1))
    budget_expire(budget_id=old.pk, today=date(2027, 1, 1))
    budget_release(enrolment=enr)  # cancelled after the budget expired
    old.refresh_from_db()
    assert (old.committed, old.available) == (D("0.00"), D("0.00"))
    assert LedgerEntry.objects.filter(budget=old, kind=EntryKind.EXPIRY).count() == 2
    assert Budget.objects.get(employee=e, period_start=date(2027, 1, 1)).allocated == D("1000.00")


def test_moving_to_a_department_with_another_policy_reallocates_the_rest_of_the_period(policy, org, time_machine):
    BudgetPolicy.objects.create(
        name="Finance",
        audience=Audience.of(K.DEPARTMENT, department=org["finance"]),
        amount=D("2000.00"),
        hours=D("80"),
        period_start=date(2026, 1, 1),
    )
    time_machine.move_to("2026-01-01 09:00")
    e = EmployeeFactory(department=org["service"])
    budget_allocate()
    time_machine.move_to("2026-07-02 09:00")  # day 183 of 365: 183 days left
    employee_update(employee=e, department=org["finance"])
    budget = Budget.objects.get(employee=e)
    assert budget.policy.name == "Finance"
    assert budget.allocated == cents(D(1000) + D(1000) * D(183) / D(365))  # 1501.37
    assert budget.hours_allocated == cents(D(40) + D(40) * D(183) / D(365))  # 60.05


def test_a_bulk_change_is_set_based(policy, django_assert_num_queries, require_postgres):
    """The HRIS sync sends one signal for many people: the same queries for 5 as for 200."""
    from people.signals import employees_changed

    # A policy that names a department: its links to the employees' departments are read too.
    BudgetPolicy.objects.create(
        name="Org",
        audience=Audience.of(K.DEPARTMENT, department=DepartmentFactory()),
        amount=D(1),
        period_start=date(2026, 1, 1),
    )

    def run(n):
        ids = {EmployeeFactory().pk for _ in range(n)}
        with django_assert_num_queries(6):
            employees_changed.send(sender=None, created=ids, updated=set(), deactivated=set())
        assert Budget.objects.filter(employee_id__in=ids).count() == n

    run(5)
    run(200)


def test_without_an_active_policy_a_bulk_change_reads_no_employees():
    """An HRIS sync of many new people must not send their ids to the database when there is
    nothing to allocate: the policies and departments are read, the employees are not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.signals import employees_changed

    ids = {EmployeeFactory().pk for _ in range(3)}
    BudgetPolicy.objects.update(active=False)
    with CaptureQueriesContext(connection) as captured:
        employees_changed.send(sender=None, created=ids, updated=set(), deactivated=set())
    assert any("budgets_budgetpolicy" in q["sql"] for q in captured.captured_queries)
    assert not any("people_employee" in q["sql"] for q in captured.captured_queries)
    assert not Budget.objects.exists()


def test_a_corrected_hire_date_re_prorates_the_budget_and_a_rerun_changes_nothing(policy, time_machine):
    """Hired 1 July (184 of 365 days: 504.11), corrected to 1 April (275 days: 753.42), then to
    1 October (92 days: 252.05); the allocations always add up to the entitlement."""
    time_machine.move_to("2026-08-01 12:00")
    e = EmployeeFactory(fte=D("1.00"), hired_on=date(2026, 7, 1))
    budget_allocate()
    budget = Budget.objects.get(employee=e)
    assert (budget.allocated, budget.basis_hired_on) == (D("504.11"), date(2026, 7, 1))
    for hired_on, expected, hours in [
        (date(2026, 4, 1), "753.42", "30.14"),
        (date(2026, 10, 1), "252.05", "10.08"),
        (None, "1000.00", "40.00"),  # no hire date: the whole period
    ]:
        employee_update(employee=e, hired_on=hired_on)
        budget.refresh_from_db()
        assert (budget.allocated, budget.hours_allocated, budget.basis_hired_on) == (D(expected), D(hours), hired_on)
        assert allocation_sum(budget) == budget.allocated
        assert budget_allocate() == {"created": 0, "reallocated": 0}
    entries = LedgerEntry.objects.filter(budget=budget, kind=EntryKind.ALLOCATION).order_by("pk")
    assert entries.count() == 4
    assert "hire date 2026-04-01" in entries[1].description


def test_a_later_hire_date_never_takes_back_what_is_committed(policy, enrolment, time_machine):
    time_machine.move_to("2026-08-01 12:00")
    e = EmployeeFactory(fte=D("1.00"), hired_on=date(2026, 1, 1))
    budget_allocate()
    budget_commit(enrolment=enrolment(e, "900.00"))
    employee_update(employee=e, hired_on=date(2026, 12, 1))  # 31 days: 84.93 would be the entitlement
    budget = Budget.objects.get(employee=e)
    assert (budget.allocated, budget.committed, budget.available) == (D("900.00"), D("900.00"), D("0.00"))
    assert allocation_sum(budget) == budget.allocated
