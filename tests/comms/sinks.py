"""Stand-ins for the outside world on 127.0.0.1: an SMTP sink that counts what arrives and a
webhook receiver answering a fixed status. Used by the reliability tests and bench/fanout.py."""

import email
import http.server
import socket
import socketserver
import threading
import time
from collections import Counter


class _SmtpHandler(socketserver.BaseRequestHandler):
    """Reads what has arrived, answers every complete command in it and sends the replies
    together when the input runs dry, as real servers do with pipelining clients (RFC 2920):
    one read and one write per round trip instead of a call per line."""

    def handle(self):
        sink: SmtpSink = self.server.sink
        sock = self.request
        # Replies go out at once: with Nagle's algorithm a reply could wait for the client's
        # delayed ACK (40 ms per e-mail).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"220 sink ESMTP\r\n")
        buffer = b""
        replies: list[bytes] = []
        in_data = False
        while True:
            if in_data:
                content, buffer = _content(buffer)
                if content is not None:
                    in_data = False
                    replies.append(self._accept(sink, content))
                    continue
            else:
                line, sep, rest = buffer.partition(b"\n")
                if sep:
                    buffer = rest
                    reply, in_data, done = self._command(sink, line)
                    replies.append(reply)
                    if done:
                        sock.sendall(b"".join(replies))
                        return
                    continue
            if replies:  # nothing complete is left in the buffer: answer before waiting for more
                sock.sendall(b"".join(replies))
                replies.clear()
            data = sock.recv(65536)
            if not data:
                return  # the client went away (mid-DATA: before the final ".", nothing was accepted)
            buffer += data

    @staticmethod
    def _command(sink, line: bytes) -> tuple[bytes, bool, bool]:
        """(reply, DATA begins, connection ends)"""
        verb = line.strip().split(b" ", 1)[0].upper()
        if verb == b"EHLO" and sink.pipelining:
            return b"250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n", False, False
        if verb in (b"EHLO", b"HELO"):
            return b"250 sink\r\n", False, False
        if verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            return b"250 OK\r\n", False, False
        if verb == b"DATA":
            return b"354 go ahead\r\n", True, False
        if verb == b"QUIT":
            return b"221 bye\r\n", False, True
        return b"502 not implemented\r\n", False, False

    @staticmethod
    def _accept(sink, content: bytes) -> bytes:
        if sink.delay:
            time.sleep(sink.delay)
        if sink.refuse_now():
            return b"451 try again later\r\n"
        sink.add(content)
        return b"250 queued\r\n"


def _content(buffer: bytes) -> tuple[bytes | None, bytes]:
    """(the message, undotted, and what follows its final ".") or (None, buffer) while incomplete."""
    if buffer.startswith(b".\r\n"):
        return b"", buffer[3:]
    end = buffer.find(b"\r\n.\r\n")
    if end < 0:
        return None, buffer
    content = buffer[: end + 2]
    if content.startswith(b".."):
        content = content[1:]
    return content.replace(b"\r\n..", b"\r\n."), buffer[end + 5 :]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """A tiny SMTP server; `messages` holds every message received (headers parsed)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
        keep_bodies: bool = True,
        refuse_attempts: frozenset = frozenset(),
        pipelining: bool = True,
    ):
        self.pipelining = pipelining  # offer RFC 2920 pipelining (commands are read in order anyway)
        self.delay = delay
        self.refuse_attempts = refuse_attempts  # 1-based numbers of DATA attempts answered 451
        self.attempts = 0
        self.keep_bodies = keep_bodies
        self.lock = threading.Lock()
        self.messages: list = []
        self.message_ids: Counter = Counter()
        self.server = _Server((host, port), _SmtpHandler)
        self.server.sink = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"smtp://{host}:{port}"

    def refuse_now(self) -> bool:
        with self.lock:
            self.attempts += 1
            return self.attempts in self.refuse_attempts

    def add(self, raw: bytes):
        if self.keep_bodies:
            parsed = email.message_from_bytes(raw)
            mid = parsed["Message-ID"]
        else:
            parsed = None
            head = raw.split(b"\r\n\r\n", 1)[0]
            mid = next(
                (
                    h.split(b":", 1)[1].strip().decode()
                    for h in head.split(b"\r\n")
                    if h.lower().startswith(b"message-id:")
                ),
                None,
            )
        with self.lock:
            if parsed is not None:
                self.messages.append(parsed)
            self.message_ids[mid] += 1

    @property
    def count(self) -> int:
        with self.lock:
            return sum(self.message_ids.values())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class WebhookReceiver:
    """An http.server that answers every POST with `status` and keeps the JSON bodies."""

    def __init__(self, status: int = 200):
        self.status = status
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(self.rfile.read(length))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
