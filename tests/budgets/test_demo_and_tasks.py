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
    assert BudgetPolicy.objects.count() == 4
    # The Operations team leads get their own policy, the most specific one; other leads do not.
    lead = Budget.objects.filter(employee__job_group__external_id="JG-TL", employee__department__external_id="D11")
    assert {b.policy.name for b in lead} == {"Operations team leads: leadership"}
    finance_lead = Budget.objects.filter(
        employee__job_group__external_id="JG-TL", employee__department__external_id="D30"
    )
    assert {b.policy.name for b in finance_lead} == {"Everyone: personal learning budget"}
    assert Budget.objects.count() == Budget.objects.values("employee").distinct().count() > 250
    mine = Budget.objects.get(employee__user__username="employee")
    # The catalog's demo enrolments went through the real approval flow and left their trace here.
    from catalog.models import Enrolment

    approved = [
        e
        for e in Enrolment.objects.filter(employee=mine.employee).exclude(
            status__in=["requested", "rejected", "cancelled"]
        )
        if e.cost > 0
    ]
    assert approved
    committed_for = set(mine.entries.filter(kind="commitment").values_list("enrolment_id", flat=True))
    assert {e.pk for e in approved} <= committed_for
    assert mine.committed + mine.spent == sum(e.cost for e in approved)
    assert mine.committed > Decimal("0.00")
    assert mine.entries.filter(kind="adjustment").exclude(reason="").exists()
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


@pytest.mark.redis
def test_worker_sends_a_reminder_by_smtp_once_when_run_twice(redis_url, transactional_db, require_postgres, tmp_path):
    """A real worker, a real SMTP listener: the reminder task run twice delivers one message."""
    from django.utils import timezone

    from budgets.models import ReminderSent
    from tests.budgets.smtp_sink import SmtpSink
    from tests.workers import WorkerProcess

    today = timezone.localdate()
    policy = BudgetPolicy.objects.create(
        name="Everyone", amount=Decimal("640.00"), period_start=date(2020, 1, 1), reminder_days="400"
    )
    EmployeeFactory(email="zoe@example.test", locale="en")
    from budgets.services import budget_allocate

    budget_allocate(on=today)
    budget = Budget.objects.get()
    assert budget.policy == policy
    with SmtpSink() as sink:
        worker = WorkerProcess(redis_url=redis_url, log_path=tmp_path / "worker.log", extra_env={"EMAIL_URL": sink.url})
        worker.start()
        try:
            worker.send("budgets.tasks.budget_reminders_task")
            worker.send("budgets.tasks.budget_reminders_task")
            wait_for(lambda: len(sink.messages) >= 1, timeout=60, message="the reminder to reach the SMTP listener")
            wait_for(
                lambda: worker.log().count("budget_reminders_task") >= 4, timeout=60, message="both runs to finish"
            )
        finally:
            worker.stop()
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "zoe@example.test"
    assert "You have €640.00 of learning budget left" in message["Subject"]
    assert ReminderSent.objects.filter(budget=budget).count() == 1
