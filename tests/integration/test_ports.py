"""Each port of people.registry called through the registry with the app that really provides it
(never a hand-made stand-in): what it returns is of the contract's type and right for the data."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import BudgetPolicy
from budgets.services import budget_allocate
from catalog.models import JobGroupSkill
from people.registry import (
    BUDGET_AVAILABLE,
    BUDGET_SUMMARY,
    EMPLOYEES_FOR_ITEM,
    ENROLMENTS_SINCE,
    NEXT_LEARNING_MOMENT,
    PORTS,
    BudgetSummary,
    registry,
)
from policy.services import moment_create
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SkillFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
TESTED = set()


def _tested(port):
    TESTED.add(port)
    return port


@pytest.fixture
def budgeted():
    employee = EmployeeFactory()
    BudgetPolicy.objects.create(name="All", amount=Decimal("1250.00"), period_start=date(2020, 1, 1), pro_rata=False)
    budget_allocate(employee_ids=[employee.pk])
    return employee


def test_budget_available(budgeted):
    provider = registry.use(_tested(BUDGET_AVAILABLE))
    assert provider(budgeted) == Decimal("1250.00")
    assert provider(EmployeeFactory()) is None  # hired after the allocation: no budget yet


def test_budget_summary(budgeted):
    summary = registry.use(_tested(BUDGET_SUMMARY))(budgeted)
    assert isinstance(summary, BudgetSummary)
    assert (summary.available, summary.committed, summary.spent) == (Decimal("1250.00"), 0, 0)
    assert summary.days_left == (summary.expires_on - timezone.localdate()).days


def test_next_learning_moment():
    employee = EmployeeFactory()
    moment_create(
        title="Learning half hour",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        start_time=time(9, 0),
        timezone="Europe/Amsterdam",
        duration_minutes=30,
    )
    text = registry.use(_tested(NEXT_LEARNING_MOMENT))(employee)
    assert text.startswith("Learning half hour, ")


def test_enrolments_since():
    employee = EmployeeFactory()
    since = timezone.now() - timedelta(minutes=1)
    EnrolmentFactory(employee=employee)
    EnrolmentFactory(employee=EmployeeFactory())
    provider = registry.use(_tested(ENROLMENTS_SINCE))
    assert provider([employee.pk], since) == 1
    assert provider([employee.pk], since, until=since) == 0


def test_employees_for_item():
    welder, clerk = EmployeeFactory(), EmployeeFactory()
    skill = SkillFactory(name="Welding")
    JobGroupSkill.objects.create(job_group=welder.job_group, skill=skill)
    ids = registry.use(_tested(EMPLOYEES_FOR_ITEM))(ItemFactory(skills=[skill]))
    assert ids == [welder.pk]
    assert clerk.pk not in ids


def test_every_port_is_tested_here():
    assert set(PORTS) == TESTED
