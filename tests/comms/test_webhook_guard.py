"""A plan's chat webhook cannot reach inside (SSRF): https only, never loopback, private, link-local
(cloud metadata) or reserved addresses, checked when saving and again when sending (DNS rebinding),
no redirect followed, one error for every unreachable address. Real local listeners show the block:
the refused ones receive nothing. Only the name lookup (the outside world) is stubbed."""

import http.server
import socket
import threading

import pytest
from django.core.exceptions import ValidationError

from comms import webhooks
from comms.services import plan_save
from tests.comms.sinks import WebhookReceiver


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address under test, nothing binds to it
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
    ],
)
def test_only_public_addresses_count_as_public(address, public):
    assert webhooks._public(address) is public


def test_a_loopback_webhook_is_refused_and_the_listener_receives_nothing(monkeypatch):
    monkeypatch.delenv("COMMS_WEBHOOK_ALLOWED_HOSTS", raising=False)
    with WebhookReceiver() as hook:
        https_url = hook.url.replace("http://", "https://")
        with pytest.raises(webhooks.WebhookRefused, match="inside the network"):
            webhooks.post_json(https_url, b"{}", timeout=2)
        with pytest.raises(webhooks.WebhookRefused, match="https://"):
            webhooks.post_json(hook.url, b"{}", timeout=2)
        assert hook.bodies == []


def test_a_name_that_points_inside_is_refused_when_sending(db, monkeypatch):
    """DNS rebinding: the name resolved to a public address when the plan was saved, and to
    loopback now; the check runs on the address actually connected to, so nothing is sent."""
    monkeypatch.delenv("COMMS_WEBHOOK_ALLOWED_HOSTS", raising=False)
    with WebhookReceiver() as hook:
        port = hook.server.server_address[1]
        answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port))]])
        loopback = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: next(answers, loopback))
        plan = plan_save(name="Chat", webhook_url=f"https://hooks.example.com:{port}/hook")
        with pytest.raises(webhooks.WebhookRefused):
            webhooks.post_json(plan.webhook_url, b"{}", timeout=2)
        assert hook.bodies == []


def test_saving_refuses_inside_and_plain_http_addresses(db, monkeypatch):
    monkeypatch.delenv("COMMS_WEBHOOK_ALLOWED_HOSTS", raising=False)
    for url in [
        "https://127.0.0.1:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",
        "http://hooks.example.com/hook",
    ]:
        with pytest.raises(ValidationError) as exc:
            plan_save(name="Chat", webhook_url=url)
        assert "webhook_url" in exc.value.message_dict, url


def test_an_allowed_host_may_be_reached_over_http_on_loopback(monkeypatch):
    monkeypatch.setenv("COMMS_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    with WebhookReceiver() as hook:
        assert webhooks.post_json(hook.url, b'{"text": "hi"}', timeout=2) == 200
        assert hook.bodies == [b'{"text": "hi"}']


class _Redirector(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_POST(self):
        self.send_response(307)
        self.send_header("Location", self.target)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_not_followed(monkeypatch):
    monkeypatch.setenv("COMMS_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    with WebhookReceiver() as inside:
        handler = type("Handler", (_Redirector,), {"target": inside.url})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with pytest.raises(webhooks.WebhookFailed, match="HTTP 307"):
                webhooks.post_json(f"http://127.0.0.1:{server.server_address[1]}/hook", b"{}", timeout=2)
        finally:
            server.shutdown()
            server.server_close()
        assert inside.bodies == []


def test_unreachable_addresses_give_one_message_whatever_the_port(monkeypatch):
    """The stored error must not tell an open port from a closed one."""
    monkeypatch.setenv("COMMS_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never answers: a timeout
    messages = set()
    for url in (f"http://127.0.0.1:{port}/", f"https://127.0.0.1:{silent.getsockname()[1]}/"):
        with pytest.raises(webhooks.WebhookFailed) as exc:
            webhooks.post_json(url, b"{}", timeout=0.5)
        messages.add(str(exc.value))
    silent.close()
    assert messages == {"The webhook could not be reached."}
