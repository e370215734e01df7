"""The delivery service with a real Celery worker on Redis and a local SMTP sink / webhook receiver:
no message lost, none doubled, whatever retries, duplicate tasks, crashes or rollbacks happen."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from comms import services
from comms.models import Channel, CommunicationPlan, Delivery, Message
from people.audience import EVERYONE
from tests.comms.sinks import SmtpSink, WebhookReceiver
from tests.factories import EmployeeFactory
from tests.workers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

FAST_RETRIES = {"COMMS_RETRY_BASE_SECONDS": "0.3", "COMMS_MAX_ATTEMPTS": "3"}
LOCAL_HOOKS = {"COMMS_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}  # the receiver listens on loopback


def _people(n):
    return [e.pk for e in EmployeeFactory.create_batch(n)]


def _email_message(key="reliability"):
    return Message.objects.create(key=key, subject="Hi {{ first_name }}", body="B", channels=["email"])


def _sent(message):
    return Delivery.objects.filter(message=message, channel="email", status="sent").count()


def _queue_without_tasks(monkeypatch, message, ids):
    """Rows as message_send makes them, but with their tasks lost (as if the broker dropped them)."""
    monkeypatch.setattr(services.delivery, "_enqueue_send", lambda *a, **k: None)
    assert services.message_send(message=message, employee_ids=ids) == len(ids)
    monkeypatch.undo()


def _settle(sink, expected, message, seconds=1.5):
    wait_for(lambda: _sent(message) == expected and sink.count >= expected, timeout=60, message="all sent")
    time.sleep(seconds)  # anything doubled would arrive now


def test_duplicated_message_send_delivers_each_person_once(start_worker, require_postgres):
    ids = _people(30)
    message = _email_message()
    with SmtpSink() as sink:
        worker = start_worker({"EMAIL_URL": sink.url, "COMMS_SEND_BATCH": "7"})
        worker.send("comms.tasks.message_send_task", message.pk, ids)
        worker.send("comms.tasks.message_send_task", message.pk, ids)
        worker.send("comms.tasks.message_send_task", message.pk, list(reversed(ids)))
        _settle(sink, 30, message)
        assert sink.count == 30
        assert set(sink.message_ids.values()) == {1}
    assert Delivery.objects.filter(message=message).count() == 30


def test_redelivered_send_tasks_do_not_double(start_worker, require_postgres, monkeypatch):
    ids = _people(20)
    message = _email_message()
    _queue_without_tasks(monkeypatch, message, ids)
    with SmtpSink(delay=0.01) as sink:
        worker = start_worker({"EMAIL_URL": sink.url})
        for _ in range(4):  # the same task delivered four times, e.g. after broker redeliveries
            worker.send("comms.tasks.deliveries_send_task", message.pk, "email", min(ids), max(ids))
        _settle(sink, 20, message)
        assert sink.count == 20
        assert set(sink.message_ids.values()) == {1}


def test_a_celery_retry_resends_only_what_failed(start_worker, require_postgres):
    ids = _people(12)
    message = _email_message()
    with SmtpSink(refuse_attempts=frozenset({3, 7})) as sink:
        worker = start_worker({"EMAIL_URL": sink.url, **FAST_RETRIES})
        worker.send("comms.tasks.message_send_task", message.pk, ids)
        _settle(sink, 12, message)
        assert sink.count == 12
        assert set(sink.message_ids.values()) == {1}
        assert sink.attempts == 14
    retried = Delivery.objects.filter(message=message, attempts=2)
    assert retried.count() == 2
    assert "Retry in" in worker.log() or "retry" in worker.log().lower()


def test_two_recovery_sweeps_at_once_send_each_stuck_delivery_once(start_worker, require_postgres, monkeypatch):
    ids = _people(25)
    message = _email_message()
    _queue_without_tasks(monkeypatch, message, ids)
    Delivery.objects.filter(message=message).update(created_at=timezone.now() - timedelta(hours=1))
    with SmtpSink(delay=0.005) as sink:
        worker = start_worker({"EMAIL_URL": sink.url, "COMMS_SEND_BATCH": "5"})
        worker.send("comms.tasks.deliveries_recover_task")
        worker.send("comms.tasks.deliveries_recover_task")
        _settle(sink, 25, message)
        assert sink.count == 25
        assert set(sink.message_ids.values()) == {1}


def test_two_beat_processes_send_each_plan_message_and_stuck_delivery_once(
    start_worker, require_postgres, redis_url, tmp_path, monkeypatch
):
    """Two `celery beat` processes (the production scheduler, both ticking every second) against
    one worker: the due plan message and the stuck deliveries are sent by both beats' tasks many
    times over, and every person still gets each e-mail once."""
    from comms.models import When
    from tests.workers import BeatProcess

    ids = _people(12)
    stuck = _email_message(key="stuck")
    _queue_without_tasks(monkeypatch, stuck, ids)
    Delivery.objects.filter(message=stuck).update(created_at=timezone.now() - timedelta(hours=1))
    plan = CommunicationPlan.objects.create(
        name="Two beats", status=CommunicationPlan.Status.ACTIVE, activated_at=timezone.now()
    )
    planned = Message.objects.create(
        plan=plan,
        subject="Hello {{ first_name }}",
        body="Something new to learn.",
        channels=[Channel.EMAIL],
        audience=EVERYONE,
        reason="People do not know the offer.",
        when=When.AT,
        send_at=timezone.now(),
    )
    with SmtpSink(delay=0.005) as sink:
        env = {"EMAIL_URL": sink.url, "COMMS_SEND_BATCH": "5", "BEAT_FREQUENT_SECONDS": "1"}
        start_worker(env)
        beats = [BeatProcess(redis_url=redis_url, log_path=tmp_path / f"beat{i}.log", extra_env=env) for i in (1, 2)]
        try:
            for beat in beats:
                beat.start()
            wait_for(
                lambda: all(
                    b.sent("comms-plan-messages-due") >= 3 and b.sent("comms-recover-deliveries") >= 3 for b in beats
                ),
                timeout=60,
                message="both beats sending both tasks, three times each",
            )
            wait_for(lambda: sink.count >= 24, timeout=60, message="every e-mail")
            time.sleep(2.5)  # more ticks of both beats: anything doubled would arrive now
        finally:
            for beat in beats:
                beat.stop()
        assert sink.count == 24
        assert set(sink.message_ids.values()) == {1}
    planned_rows = Delivery.objects.filter(message__in=[planned, *planned.occurrences.all()], channel="email")
    assert planned_rows.count() == 12
    assert Delivery.objects.filter(message=stuck, channel="email", status="sent").count() == 12


def test_worker_killed_mid_batch_every_recipient_gets_one_delivery(start_worker, require_postgres):
    ids = _people(40)
    message = _email_message()
    with SmtpSink(delay=0.05) as sink:
        env = {"EMAIL_URL": sink.url, "COMMS_SEND_BATCH": "10"}
        first = start_worker(env)
        first.send("comms.tasks.message_send_task", message.pk, ids)
        wait_for(lambda: sink.count >= 6, timeout=60, message="the first e-mails")
        first.kill()
        sent_before = _sent(message)
        assert 0 < sent_before < 40, "the kill must land mid-batch"
        second = start_worker(env)  # starts on an emptied broker: every queued task is gone too
        second.send("comms.tasks.deliveries_recover_task", 0, 0)
        _settle(sink, 40, message)
        rows = Delivery.objects.filter(message=message, channel="email")
        assert rows.count() == 40
        assert set(rows.values_list("status", flat=True)) == {"sent"}
        # Exactly one message per person reached the server; at most the two messages in flight
        # at the kill (one per pool process) were accepted by the server but not yet marked sent,
        # and they are resent with the same Message-ID.
        assert len(sink.message_ids) == 40
        assert sink.count - 40 <= 2


def test_failing_webhook_is_retried_then_shown_failed_with_the_reason(start_worker, require_postgres):
    with WebhookReceiver(status=500) as hook:
        plan = CommunicationPlan.objects.create(name="Plan", webhook_url=hook.url)
        message = Message.objects.create(plan=plan, subject="New courses", body="B", channels=["webhook"])
        worker = start_worker({**FAST_RETRIES, **LOCAL_HOOKS})
        worker.send("comms.tasks.message_send_task", message.pk, [])
        wait_for(
            lambda: Delivery.objects.filter(message=message, status="failed").exists(),
            timeout=60,
            message="the webhook delivery to fail",
        )
        delivery = Delivery.objects.get(message=message)
        assert delivery.channel == Channel.WEBHOOK
        assert delivery.attempts == 3
        assert "HTTP 500" in delivery.error
        assert len(hook.bodies) == 3
        assert b"New courses" in hook.bodies[0]


def test_working_webhook_is_sent_once(start_worker, require_postgres):
    with WebhookReceiver(status=200) as hook:
        plan = CommunicationPlan.objects.create(name="Plan", webhook_url=hook.url)
        message = Message.objects.create(plan=plan, subject="New courses", body="B", channels=["webhook"])
        worker = start_worker(LOCAL_HOOKS)
        worker.send("comms.tasks.message_send_task", message.pk, [])
        worker.send("comms.tasks.message_send_task", message.pk, [])
        wait_for(lambda: Delivery.objects.filter(message=message, status="sent").exists(), timeout=60)
        time.sleep(1)
        assert len(hook.bodies) == 1


@pytest.fixture
def enqueue_to_worker(redis_url):
    """Make this test process enqueue to the real broker (tests otherwise run tasks inline)."""
    from config.celery import app

    def reset_pools():
        # Producers are pooled per broker URL on first use; drop them so the new URL takes effect,
        # kombu's registry of producer pools too (it would hand a later test the closed pool).
        from kombu import pools

        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    reset_pools()
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    reset_pools()


def test_rollback_sends_nothing_through_a_real_worker(start_worker, require_postgres, enqueue_to_worker):
    ids = _people(5)
    rolled_back = _email_message("rolled-back")
    committed = _email_message("committed")
    with SmtpSink() as sink:
        start_worker({"EMAIL_URL": sink.url})

        def failing_transaction():
            with transaction.atomic():
                services.message_send(message=rolled_back, employee_ids=ids)
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            failing_transaction()
        with transaction.atomic():  # the control: the same path, committed, does reach the sink
            services.message_send(message=committed, employee_ids=ids)
        _settle(sink, 5, committed)
        assert sink.count == 5
    assert not Delivery.objects.filter(message=rolled_back).exists()


def test_concurrent_message_sends_insert_each_row_once(transactional_db, require_postgres, monkeypatch):
    ids = _people(200)
    message = _email_message()
    monkeypatch.setattr(services.delivery, "_enqueue_send", lambda *a, **k: None)
    barrier = threading.Barrier(4)
    created, errors = [], []

    def send():
        from django.db import connection

        try:
            barrier.wait()
            created.append(services.message_send(message=message, employee_ids=ids))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(created) == 200
    assert Delivery.objects.filter(message=message).count() == 200
