"""A plan's chat webhook whose receiver hangs: a real listener on loopback that accepts the
connection and then never answers (or answers a byte a second, forever). The webhook delivery is
cut off by its time limit and retried, then shown failed; the same message's e-mails, through a real
worker, go out at once and are never held up by it."""

import socket
import threading
import time

import pytest

from comms.models import Channel, CommunicationPlan, Delivery, Message
from tests.comms.sinks import SmtpSink
from tests.factories import EmployeeFactory
from tests.workers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("require_postgres")]
LIMIT = 2.0


class HangingReceiver:
    """Accepts every connection and reads the request; then says nothing (or trickles a byte a
    second, so no single read ever times out). `connections` counts what it accepted."""

    def __init__(self, trickle: bool = False):
        self.trickle = trickle
        self.connections = 0
        self._stop = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._server.close()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn):
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000 if self.trickle else b"":
                if self._stop.wait(1.0):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
            self._stop.wait(600)


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
def test_a_hanging_webhook_is_cut_off_and_does_not_hold_up_email(start_worker, trickle):
    ids = [e.pk for e in EmployeeFactory.create_batch(10)]
    with HangingReceiver(trickle=trickle) as hook, SmtpSink() as sink:
        plan = CommunicationPlan.objects.create(name="Plan", webhook_url=hook.url)
        message = Message.objects.create(plan=plan, subject="New courses", body="B", channels=["email", "webhook"])
        worker = start_worker(
            {
                "EMAIL_URL": sink.url,
                "COMMS_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
                "COMMS_WEBHOOK_TIMEOUT_SECONDS": str(LIMIT),
                "COMMS_RETRY_BASE_SECONDS": "0.3",
                "COMMS_MAX_ATTEMPTS": "3",
            }
        )
        started = time.monotonic()
        worker.send("comms.tasks.message_send_task", message.pk, ids)
        wait_for(lambda: hook.connections >= 1, timeout=60, message="the webhook to connect")
        # The e-mails go out while the receiver still holds the webhook's first connection.
        wait_for(lambda: sink.count >= 10, timeout=60, message="the e-mails")
        emails_at = time.monotonic() - started
        webhook = Delivery.objects.get(message=message, channel=Channel.WEBHOOK)
        assert webhook.status != "sent"
        wait_for(
            lambda: Delivery.objects.get(pk=webhook.pk).status == "failed",
            timeout=60,
            message="the webhook to be cut off three times",
        )
        failed_at = time.monotonic() - started
    webhook.refresh_from_db()
    assert webhook.attempts == 3
    assert webhook.error == "The webhook could not be reached."
    assert hook.connections == 3
    # Three tries, each cut off at the limit (plus short back-offs): neither hung nor cut early.
    assert 3 * LIMIT <= failed_at < 3 * LIMIT + 30, failed_at
    assert emails_at < failed_at
    assert sink.count == 10
    assert Delivery.objects.filter(message=message, channel=Channel.EMAIL, status="sent").count() == 10
