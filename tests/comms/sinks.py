"""Stand-ins for the outside world on 127.0.0.1: an SMTP sink that counts what arrives and a
webhook receiver answering a fixed status. Used by the reliability tests and bench/fanout.py."""

import email
import http.server
import socket
import socketserver
import threading
import time
from collections import Counter


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink: SmtpSink = self.server.sink
        # Replies go out at once: with Nagle's algorithm the second of several pipelined replies
        # waited for the client's delayed ACK (40 ms per e-mail).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb == b"EHLO" and sink.pipelining:
                self.reply("250-sink\r\n250-PIPELINING\r\n250 8BITMIME")
            elif verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if not data:
                        return  # the client went away before the final ".": nothing was accepted
                    if data in (b".\r\n", b".\n"):
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                if sink.delay:
                    time.sleep(sink.delay)
                if sink.refuse_now():
                    self.reply("451 try again later")
                    continue
                sink.add(b"".join(chunks))
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


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
