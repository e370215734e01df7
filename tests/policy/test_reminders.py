"""Reminders in one process: what is due when, claims, sending through the delivery service, mute,
scope changes between occurrences, cancelled and moved occurrences, late and skipped reminders, and
two concurrent beat ticks (with a negative control). The real-worker cases are in test_reminders_worker."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from comms.models import Delivery, Message
from people.audience import Audience
from policy.models import ReminderRun, ReminderStatus
from policy.reminders import due_reminders, reminder_key, reminder_send, reminders_tick
from policy.services import moment_end, moment_mute, occurrence_cancel, occurrence_move
from tests.factories import EmployeeFactory


def utc(*args):
    return datetime(*args, tzinfo=UTC)


AMS = ZoneInfo("Europe/Amsterdam")
START = utc(2026, 1, 13, 8)  # Tuesday 13 January 2026, 09:00 Amsterdam; the second occurrence


def tick(now, sent):
    """A beat tick whose enqueue sends at once (what the task does) and records what it sent."""
    return reminders_tick(now=now, enqueue=lambda run_id: sent.append(reminder_send(run_id=run_id, now=now)))


def pairs(now):
    return [(o.start, offset) for o, offset in due_reminders(now=now)]


def test_due_at_each_offset_and_not_before(make_moment):
    make_moment()
    assert pairs(START - timedelta(days=1, minutes=1)) == []
    assert pairs(START - timedelta(days=1)) == [(START, 1440)]
    assert pairs(START - timedelta(minutes=15)) == [(START, 1440), (START, 15)]
    assert pairs(START + timedelta(minutes=29)) == [(START, 1440), (START, 15)]  # running: still worth it
    assert pairs(START + timedelta(minutes=30)) == []  # over


def test_cancelled_none_moved_at_the_new_time_ended_none(make_moment):
    moment = make_moment()
    occurrence_cancel(moment=moment, original_start=START)
    assert pairs(START - timedelta(minutes=15)) == []
    later = utc(2026, 1, 14, 13)
    occurrence_move(moment=moment, original_start=START, new_start=later)
    assert pairs(START - timedelta(minutes=15)) == []
    assert pairs(later - timedelta(days=1)) == [(later, 1440)]
    moment_end(moment=moment, ends_on=date(2026, 1, 12))
    assert pairs(later - timedelta(days=1)) == []


def test_one_tick_sends_through_the_delivery_service_once(make_moment, personas):
    moment = make_moment()
    sent = []
    assert tick(START - timedelta(days=1), sent) == {"due": 1, "claimed": 1, "requeued": 0}
    assert sent == ["sent"]
    message = Message.objects.get(key=reminder_key(moment.pk, START, 1440))
    assert message.key == f"moment:{moment.pk}:2026-01-13T08:00:00+00:00:1440"
    assert message.category == "reminders"
    assert "?occurrence=20260113T080000Z" in message.link
    people = 7  # every persona: the moment is for everyone
    assert Delivery.objects.filter(message=message).count() == people * 2  # in-app and e-mail
    # A second tick, and the send task run again (a retry), add nothing.
    assert tick(START - timedelta(hours=23), sent)["claimed"] == 0
    run = ReminderRun.objects.get()
    ReminderRun.objects.filter(pk=run.pk).update(status=ReminderStatus.CLAIMED)
    assert reminder_send(run_id=run.pk, now=START - timedelta(hours=23)) == "sent"
    assert Delivery.objects.filter(message=message).count() == people * 2
    assert ReminderRun.objects.get().recipients == people


def test_muted_employee_gets_no_reminder(make_moment, employee):
    moment = make_moment()
    moment_mute(employee=employee, moment=moment, muted=True)
    tick(START - timedelta(days=1), [])
    assert not Delivery.objects.filter(employee=employee).exists()
    assert Delivery.objects.exclude(employee=employee).exists()


def test_scope_is_resolved_when_sending_each_occurrence(make_moment, personas, org):
    moment = make_moment(audience=Audience.of("department", department=org["service"]))
    tick(START - timedelta(minutes=15), [])
    first = set(Delivery.objects.values_list("employee_id", flat=True))
    assert personas.employee.pk in first
    assert personas.other_employee.pk not in first
    # Between occurrences: the employee moves to Finance, a colleague joins Customer Service.
    personas.employee.department = org["finance"]
    personas.employee.save()
    newcomer = EmployeeFactory(department=org["service"])
    nxt = START + timedelta(days=7)
    tick(nxt - timedelta(minutes=15), [])
    second = set(
        Delivery.objects.filter(message__key=reminder_key(moment.pk, nxt, 15)).values_list("employee_id", flat=True)
    )
    assert second == first - {personas.employee.pk} | {newcomer.pk}


def test_workers_down_past_the_reminder_time_send_late_once(make_moment):
    make_moment()
    sent = []
    # Down since two days before: at 08:50 both the day-before and the quarter-hour reminder are due.
    tick(START - timedelta(minutes=10), sent)
    assert sent == ["sent", "sent"]
    assert set(ReminderRun.objects.values_list("offset_minutes", "status")) == {(1440, "sent"), (15, "sent")}
    tick(START - timedelta(minutes=5), sent)
    assert len(sent) == 2


def test_workers_down_until_the_occurrence_is_over_send_nothing(make_moment):
    make_moment()
    sent = []
    tick(START + timedelta(hours=2), sent)
    assert sent == []
    assert not Delivery.objects.exists()


def test_claimed_run_whose_occurrence_ended_or_was_cancelled_is_skipped(make_moment):
    moment = make_moment()
    claimed = []
    reminders_tick(now=START - timedelta(minutes=15), enqueue=claimed.append)
    assert len(claimed) == 2
    assert reminder_send(run_id=claimed[0], now=START + timedelta(hours=1)) == "skipped"
    occurrence_cancel(moment=moment, original_start=START)
    assert reminder_send(run_id=claimed[1], now=START - timedelta(minutes=14)) == "skipped"
    assert set(ReminderRun.objects.values_list("reason", flat=True)) == {"occurrence over", "cancelled or moved"}
    assert not Delivery.objects.exists()


def test_moved_after_the_first_reminder_reminds_at_the_new_time(make_moment):
    moment = make_moment()
    sent = []
    tick(START - timedelta(days=1), sent)
    later = utc(2026, 1, 15, 14)
    occurrence_move(moment=moment, original_start=START, new_start=later)
    tick(START - timedelta(minutes=15), sent)  # the old time: nothing
    assert sent == ["sent"]
    tick(later - timedelta(minutes=15), sent)  # the new time: both offsets, once each
    assert sent == ["sent", "sent", "sent"]
    assert Message.objects.filter(key__startswith=f"moment:{moment.pk}:2026-01-15T14:00:00").count() == 2


def test_stale_claim_is_requeued_once(make_moment):
    make_moment()
    claimed = []
    reminders_tick(now=START - timedelta(days=1), enqueue=claimed.append)  # the enqueue was lost
    assert len(claimed) == 1
    ReminderRun.objects.update(claimed_at=START - timedelta(days=2))
    requeued = []
    assert reminders_tick(now=START - timedelta(hours=23), enqueue=requeued.append)["requeued"] == 1
    assert reminders_tick(now=START - timedelta(hours=23), enqueue=requeued.append)["requeued"] == 0
    assert requeued == claimed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("protected", [True, False])
def test_two_concurrent_beat_ticks_claim_each_reminder_once(require_postgres, make_moment, protected, monkeypatch):
    """Two beat processes tick at the same moment. With the insert-or-nothing claim each (occurrence,
    offset) is enqueued once; the negative control (check for a run, then enqueue) enqueues it twice."""
    from policy import reminders

    make_moment(title="A", start_time=time(9, 0))
    make_moment(title="B", start_time=time(9, 5))
    now = START - timedelta(minutes=10)
    barrier = threading.Barrier(2)
    if not protected:

        def check_then_claim(*, moment_id, start, offset):
            exists = ReminderRun.objects.filter(
                moment_id=moment_id, occurrence_start=start, offset_minutes=offset
            ).exists()
            return None if exists else ReminderRun(moment_id=moment_id, occurrence_start=start, offset_minutes=offset)

        monkeypatch.setattr(reminders, "reminder_claim", check_then_claim)
    real_due = reminders.due_reminders

    def due_then_wait(**kwargs):
        found = real_due(**kwargs)
        barrier.wait()  # both ticks have read the due pairs before either claims
        return found

    monkeypatch.setattr(reminders, "due_reminders", due_then_wait)
    enqueued = []

    def run():
        try:
            reminders_tick(now=now, enqueue=lambda run_id: enqueued.append(run_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if protected:
        assert len(enqueued) == 4  # 2 moments × 2 offsets
        assert ReminderRun.objects.count() == 4
    else:
        assert len(enqueued) == 8  # every reminder enqueued by both ticks


def test_a_celery_retry_after_a_failed_batch_reaches_everyone_once(make_moment, personas, monkeypatch):
    """The send task fails after its first batch went in; Celery retries it (inline in eager mode)."""
    from django.db import OperationalError

    import comms.services
    from policy.tasks import reminder_send_task

    start = (timezone.now() + timedelta(minutes=5)).replace(second=0, microsecond=0).astimezone(AMS)
    make_moment(rrule="FREQ=DAILY", starts_on=start.date(), start_time=start.time(), reminder_offsets=[15])
    claimed = []
    reminders_tick(now=timezone.now(), enqueue=claimed.append)
    assert len(claimed) == 1
    monkeypatch.setenv("POLICY_REMINDER_BATCH", "3")
    real_send, calls = comms.services.message_send, []

    def flaky(**kwargs):
        calls.append(len(kwargs["employee_ids"]))
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_send(**kwargs)

    monkeypatch.setattr(comms.services, "message_send", flaky)
    result = reminder_send_task.apply(args=[claimed[0]], throw=False)
    assert result.get() == "sent"
    people = 7
    assert len(calls) == 2 + 3  # first try: a batch, then the failure; the retry: all three batches
    assert Delivery.objects.count() == people * 2
    assert ReminderRun.objects.get(pk=claimed[0]).status == ReminderStatus.SENT
