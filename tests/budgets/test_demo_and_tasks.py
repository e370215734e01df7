"""The demo step and the periodic tasks: idempotent, and run by a real Celery worker on Redis."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from budgets.models import Budget, BudgetPolicy, LedgerEntry
from budgets.services import budgets_recompute
from config.celery import BEAT_SCHEDULE
from tests.factories import EmployeeFactory
from tests.workers import wait_for


@pytest.mark.django_db
def test_demo_gives_everyone_a_budget_and_the_demo_logins_a_history():
    call_command("seed_demo", stdout=StringIO())
    entries = LedgerEntry.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert LedgerEntry.objects.count() == entries  # a second run adds nothing
    assert BudgetPolicy.objects.count() == 3
    assert Budget.objects.count() == Budget.objects.values("employee").distinct().count() > 250
    mine = Budget.objects.get(employee__user__username="employee")
    assert (mine.committed, mine.spent) == (Decimal("350.00"), Decimal("120.00"))
    assert mine.entries.filter(kind="adjustment").exclude(reason="").exists()
    assert Budget.objects.get(employee__user__username="manager").used > 0
    assert budgets_recompute() == []


def test_beat_schedule_runs_allocation_expiry_and_reminders():
    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {
        "budgets.tasks.budgets_allocate_task",
        "budgets.tasks.budgets_expire_task",
        "budgets.tasks.budget_reminders_task",
    } <= tasks


@pytest.mark.redis
def test_worker_allocates_once_even_when_the_task_runs_twice(celery_worker_process, require_postgres):
    BudgetPolicy.objects.create(name="Everyone", amount=Decimal("500.00"), period_start=date(2020, 1, 1))
    people = [EmployeeFactory() for _ in range(3)]
    celery_worker_process.send("budgets.tasks.budgets_allocate_task")
    celery_worker_process.send("budgets.tasks.budgets_allocate_task")
    wait_for(lambda: Budget.objects.count() == 3, timeout=60, message="the worker to allocate three budgets")
    wait_for(
        lambda: celery_worker_process.log().count("budgets.tasks.budgets_allocate_task") >= 4,
        timeout=60,
        message="both task runs to finish",
    )
    assert LedgerEntry.objects.count() == 3
    assert {b.employee_id for b in Budget.objects.all()} == {p.pk for p in people}
    assert all(b.allocated == Decimal("500.00") for b in Budget.objects.all())
