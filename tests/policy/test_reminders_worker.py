"""Exactly one reminder per occurrence × offset × employee with a real Celery worker on Redis and
PostgreSQL: two beat ticks at once, a retried send, a worker SIGKILLed mid-batch, and workers that
were down past the reminder time (sent late once) or past the occurrence (skipped)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.utils import timezone

from comms.models import Delivery
from people.models import Department, Employee
from policy.models import ReminderRun, ReminderStatus
from tests.workers import wait_for

pytestmark = [pytest.mark.redis]
AMS = ZoneInfo("Europe/Amsterdam")


def people(n: int) -> list[int]:
    department = Department.objects.create(name="Everyone here")
    Employee.objects.bulk_create(
        Employee(first_name="P", last_name=str(i), email=f"p{i}@example.test", department=department) for i in range(n)
    )
    return list(Employee.objects.values_list("pk", flat=True))


def moment_at(make_moment, minutes_from_now: int, **fields):
    """A daily moment whose occurrence today starts `minutes_from_now` from now (whole minutes)."""
    start = (timezone.now() + timedelta(minutes=minutes_from_now)).replace(second=0, microsecond=0)
    local = start.astimezone(AMS)
    moment = make_moment(rrule="FREQ=DAILY", starts_on=local.date(), start_time=local.time(), **fields)
    return moment, start


def ticks_done(worker) -> int:
    return sum(1 for line in worker.log().splitlines() if "policy.reminders_tick_task" in line and "succeeded" in line)


def no_duplicates():
    return not Delivery.objects.values("message_id", "employee_id", "channel").annotate(n=Count("pk")).filter(n__gt=1)


def settled(expected: int):
    return lambda: Delivery.objects.count() == expected and not ReminderRun.objects.filter(status="claimed").exists()


def test_two_beat_ticks_at_once_and_a_retried_send_reach_everyone_once(require_postgres, start_worker, make_moment):
    n = 300
    people(n)
    moment_at(make_moment, 10, reminder_offsets=[15])
    worker = start_worker(concurrency=2)
    worker.send("policy.reminders_tick_task")
    worker.send("policy.reminders_tick_task")
    wait_for(settled(n * 2), timeout=90, message="one reminder to every employee on both channels")
    run = ReminderRun.objects.get()
    assert (run.status, run.recipients) == (ReminderStatus.SENT, n)
    # The send task delivered again (a retry after a lost acknowledgement) reaches nobody twice.
    ReminderRun.objects.filter(pk=run.pk).update(status=ReminderStatus.CLAIMED)
    worker.send("policy.reminder_send_task", run.pk)
    worker.send("policy.reminders_tick_task")
    wait_for(lambda: ReminderRun.objects.get().status == ReminderStatus.SENT, timeout=60, message="the retried send")
    assert Delivery.objects.count() == n * 2
    assert no_duplicates()
    assert ReminderRun.objects.count() == 1


def test_worker_killed_mid_batch_then_recovered_sends_each_once(require_postgres, start_worker, make_moment):
    n = 600
    people(n)
    moment_at(make_moment, 10, reminder_offsets=[15])
    slow = {"POLICY_REMINDER_BATCH": "50", "POLICY_REMINDER_BATCH_PAUSE": "0.4"}
    worker = start_worker(slow, concurrency=1)
    worker.send("policy.reminders_tick_task")
    wait_for(lambda: Delivery.objects.count() >= 100, timeout=60, interval=0.05, message="the first batches")
    worker.kill()
    partial = Delivery.objects.count()
    assert 0 < partial < n * 2, partial
    assert ReminderRun.objects.get().status == ReminderStatus.CLAIMED
    # A new worker; the next beat tick finds the claim unfinished and sends it again.
    again = start_worker({"POLICY_REMINDER_STALE_SECONDS": "0"}, concurrency=2)
    again.send("policy.reminders_tick_task")
    wait_for(settled(n * 2), timeout=90, message="the recovered reminder")
    assert no_duplicates()
    assert ReminderRun.objects.get().attempts == 1


def test_workers_down_past_reminder_time_send_late_once_or_skip_when_over(require_postgres, start_worker, make_moment):
    n = 200
    people(n)
    late, _start = moment_at(make_moment, 5, title="Late", reminder_offsets=[1440, 15])
    over, _ = moment_at(make_moment, -31, title="Over", reminder_offsets=[15], duration_minutes=30)
    worker = start_worker()
    worker.send("policy.reminders_tick_task")
    wait_for(settled(n * 2 * 2), timeout=90, message="both late reminders of the coming occurrence")
    worker.send("policy.reminders_tick_task")
    worker.send("policy.reminders_tick_task")
    wait_for(lambda: ticks_done(worker) >= 3, timeout=60, message="the later ticks")
    assert sorted(ReminderRun.objects.filter(moment=late).values_list("offset_minutes", flat=True)) == [15, 1440]
    assert not ReminderRun.objects.filter(moment=over).exists()
    assert Delivery.objects.count() == n * 2 * 2
    assert no_duplicates()
