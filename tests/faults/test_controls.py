"""Controls: each fault test can fail. With the old behaviour put back, the fault shows:
- the broker: a task published straight to a frozen Redis (what the apps did before the outbox)
  raises in the request and leaves no record of the work; through the outbox the same action
  succeeds and the row waits for the sweep;
- the mail server: without retries, deliveries made while it is away are failed for good and the
  server, back, receives nothing;
- a webhook that trickles: with only the socket's per-read timeout (the cut-off taken out), the call
  is still hanging long after the limit;
- beat back after two days: with a nightly job that takes only last night (no catch-up), the night
  in between is missing, which the beat test's check sees.
(The cache's control is tests/ops/test_degraded.py, PostgreSQL's tests/faults/test_faults.py.)"""

import threading
import time

import pytest
from django.db import transaction

from catalog.tasks import item_stats_refresh_task
from comms import webhooks
from comms.models import Delivery
from comms.services import message_send
from ops.models import OutboxTask
from ops.outbox import BROKER_ERRORS, outbox_enqueue
from tests.comms.sinks import SmtpSink
from tests.faults.test_beat_catch_up import nights_taken
from tests.faults.test_faults import _email
from tests.faults.test_webhook_hang import HangingReceiver
from tests.ops.servers import free_port
from tests.workers import WorkerProcess, wait_for

pytestmark = pytest.mark.usefixtures("require_postgres")


def test_control_publishing_straight_to_a_frozen_broker_raises_and_records_nothing(
    web_on, cheap_item, django_capture_on_commit_callbacks
):
    OutboxTask.objects.all().delete()
    web_on.freeze()
    try:
        with pytest.raises(BROKER_ERRORS):  # the old way: the person's request became a 500
            item_stats_refresh_task.apply_async(args=[cheap_item.pk], retry=False)
        assert not OutboxTask.objects.exists()  # and nothing remembers the work
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox_enqueue(item_stats_refresh_task.name, cheap_item.pk)  # the outbox: no error
    finally:
        web_on.thaw()
    row = OutboxTask.objects.get()
    assert row.sent_at is None  # waits for the sweep
    assert row.last_error


def test_control_without_retries_mail_sent_while_the_server_is_away_is_lost(web_on, tmp_path, transactional_db):
    port = free_port()
    worker = WorkerProcess(
        redis_url=web_on.url,
        log_path=tmp_path / "worker.log",
        extra_env={"EMAIL_URL": f"smtp://127.0.0.1:{port}", "COMMS_MAX_ATTEMPTS": "1"},
    )
    worker.start()
    try:
        message, ids = _email(4)
        message_send(message=message, employee_ids=ids)
        try:
            wait_for(
                lambda: Delivery.objects.filter(message=message, status="failed").count() == 4,
                timeout=120,
                message="the deliveries to fail",
            )
        except AssertionError:
            raise AssertionError(
                f"{list(Delivery.objects.values_list('status', 'attempts', 'error'))}\n{worker.log()[-3000:]}"
            ) from None
        with SmtpSink(port=port) as sink:
            time.sleep(5)
            assert sink.count == 0
    finally:
        worker.stop()


def test_control_with_only_the_per_read_timeout_a_trickling_webhook_hangs(monkeypatch):
    monkeypatch.setenv("COMMS_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    limit = 2.0  # above the receiver's one byte a second: no single read times out
    with HangingReceiver(trickle=True) as hook:
        started = time.monotonic()
        with pytest.raises(webhooks.WebhookFailed):
            webhooks.post_json(hook.url, b"{}", timeout=limit)
        assert time.monotonic() - started < limit + 2  # cut off at the limit

        monkeypatch.setattr(webhooks, "_cut", lambda connection: None)  # the old behaviour
        outcome = []
        call = threading.Thread(
            target=lambda: outcome.append(_call(hook.url, limit)),
            daemon=True,
        )
        call.start()
        call.join(timeout=4 * limit)
        assert call.is_alive()  # still waiting on the receiver, 4 times the limit later
    call.join(timeout=10)  # the receiver closed: the call ends


def _call(url, limit):
    try:
        return webhooks.post_json(url, b"{}", timeout=limit)
    except webhooks.WebhookFailed as exc:
        return exc


@pytest.mark.django_db
def test_control_a_nightly_job_without_catch_up_leaves_a_missed_night_out(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from monitoring import services
    from monitoring.tasks import snapshots_catch_up_task

    today = timezone.localdate()
    services.snapshots_take(day=today - timedelta(days=3))  # the night before beat stopped
    last_night = today - timedelta(days=1)
    monkeypatch.setattr(services, "snapshot_days_missing", lambda today=None: [last_night])
    snapshots_catch_up_task()  # what beat sends when it is back
    taken = nights_taken(today)
    assert taken == [today - timedelta(days=3), today - timedelta(days=1)]
    assert taken != [today - timedelta(days=d) for d in (3, 2, 1)]  # the beat test's expectation fails
