"""Posting to a plan's chat webhook without letting the address reach inside (SSRF): https only,
never to a loopback, private, link-local (cloud metadata), multicast or reserved address, checked
after name resolution when sending, on the very address then connected to (a second lookup cannot
swap in another: DNS rebinding), no redirects followed, and errors that do not tell open from
closed ports. COMMS_WEBHOOK_ALLOWED_HOSTS names hosts that may break these rules (an organisation's
own chat server on its network)."""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from . import conf


class WebhookRefused(Exception):
    """The address may not be posted to; the message says why, for the person who set it."""


class WebhookFailed(Exception):
    """Posting failed; the message is safe to store and show."""


def _allowed_host(host: str) -> bool:
    return host.lower() in conf.webhook_allowed_hosts()


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, scheme) of a webhook address the rules allow, without looking the name up."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookRefused(_("The webhook address has an invalid port.")) from None
    if not host or parts.scheme not in {"http", "https"}:
        raise WebhookRefused(_("Enter a full https:// webhook address."))
    if parts.scheme != "https" and not _allowed_host(host):
        raise WebhookRefused(_("A webhook address must start with https://."))
    return host, port, parts.scheme


def resolve(host: str, port: int) -> str:
    """The one address to connect to: every address the name has must be public (or the host allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookFailed(_("The webhook's host name could not be found.")) from None
    addresses = [info[4][0] for info in infos]
    if not _allowed_host(host) and not all(_public(address) for address in addresses):
        raise WebhookRefused(_("The webhook address points inside the network, which is not allowed."))
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # the name's certificate


def post_json(url: str, body: bytes, *, timeout: float) -> int:
    """POST body to url under the rules; the HTTP status, or WebhookRefused / WebhookFailed."""
    host, port, scheme = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = cls(host, port, address=address, timeout=timeout)
    # The socket's timeout bounds each read only: a receiver that answers a byte at a time would
    # hold the task for ever. The whole exchange gets the limit too: the socket is shut at the end.
    cutoff = threading.Timer(timeout, _cut, args=(connection,))
    cutoff.daemon = True
    cutoff.start()
    try:
        connection.request("POST", target, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read(1024)
    except (OSError, http.client.HTTPException):
        # One message for refused, reset, timed out and TLS errors alike: it must not map the network.
        raise WebhookFailed(_("The webhook could not be reached.")) from None
    finally:
        cutoff.cancel()
        connection.close()
    if response.status >= 300:  # a redirect is not followed: it could point anywhere
        raise WebhookFailed(f"HTTP {response.status} {response.reason}")
    return response.status


def _cut(connection) -> None:
    """Shut the connection's socket, so a read blocked on a receiver that trickles returns."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)
