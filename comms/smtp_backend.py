"""A Django e-mail backend for SMTP that sends each e-mail in two round trips instead of four.

`PipeliningSMTPBackend` is Django's SMTP backend with RFC 2920 pipelining: when the server offers
it, MAIL, RCPT and DATA go in one write and their replies are read together, then the content and
the final "." in a second write. It is the default for `EMAIL_URL=smtp://...` (config/settings.py);
any other Django backend (the console, an organisation's API-based provider through
django-anymail, ...) works by setting `EMAIL_BACKEND`. Figures: docs/performance.md.

An e-mail may carry its finished wire bytes in `prepared_bytes` (comms.emails builds them for a
batch, cheaper than Django's MIME generator; tests/comms/test_emails.py proves them equal): this
backend sends those, any other backend reads the message's ordinary attributes.
"""

import contextlib
import re
import smtplib
from functools import lru_cache

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

# A bare address of the common shape (dot-atoms, no quotes, comments or display name): what
# sanitize_address returns unchanged and smtplib.quoteaddr puts in angle brackets.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*", re.ASCII)
_LEADING_DOT = re.compile(rb"(?m)^\.")  # RFC 5321 §4.5.2: a line starting with "." gets another


@lru_cache(maxsize=4096)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _envelope(address: str, encoding: str) -> str:
    """The address as Django's backend passes it to smtplib, without parsing the plain ones."""
    return address if _PLAIN_ADDRESS.fullmatch(address) else _sanitized(address, encoding)


def _bracketed(address: str) -> str:
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else _quoted(address)


@lru_cache(maxsize=4096)
def _quoted(address: str) -> str:
    return smtplib.quoteaddr(address)


class PipeliningSMTPBackend(EmailBackend):
    def open(self):
        opened = super().open()
        if opened and self.connection is not None:
            # Greet now, so that the first e-mail already knows whether the server pipelines, and a
            # server refusing the greeting fails here rather than inside the first send.
            try:
                self.connection.ehlo_or_helo_if_needed()
            except smtplib.SMTPException:
                if not self.fail_silently:
                    raise
        return opened

    def _send(self, email_message):
        recipients = email_message.recipients()
        if not recipients:
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = _envelope(email_message.from_email, encoding)
        to = [_envelope(address, encoding) for address in recipients]
        data = getattr(email_message, "prepared_bytes", None)
        if data is None:
            data = email_message.message().as_bytes(linesep="\r\n")
        try:
            if len(to) == 1 and self.connection.has_extn("pipelining"):
                self._pipelined(sender, to[0], data)
            else:
                self.connection.sendmail(sender, to, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True

    def _pipelined(self, sender: str, to: str, data: bytes) -> None:
        """`sendmail(sender, [to], data)` in two round trips; raises what smtplib raises, after RSET."""
        conn = self.connection
        size = f" SIZE={len(data)}" if conn.has_extn("size") else ""
        conn.send(f"MAIL FROM:{_bracketed(sender)}{size}\r\nRCPT TO:{_bracketed(to)}\r\nDATA\r\n")
        (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = (conn.getreply() for _ in range(3))
        if data_code == 354 and (mail_code != 250 or rcpt_code not in (250, 251)):
            conn.send(b".\r\n")  # the server waits for content although an earlier command failed: end it
            conn.getreply()
        if mail_code != 250:
            self._reset()
            raise smtplib.SMTPSenderRefused(mail_code, mail_reply, sender)
        if rcpt_code not in (250, 251):
            self._reset()
            raise smtplib.SMTPRecipientsRefused({to: (rcpt_code, rcpt_reply)})
        if data_code != 354:
            self._reset()
            raise smtplib.SMTPDataError(data_code, data_reply)
        # Most e-mails have no line starting with "."; finding none is cheaper than the substitution.
        content = _LEADING_DOT.sub(b"..", data) if data.startswith(b".") or b"\n." in data else data
        if not content.endswith(b"\r\n"):
            content += b"\r\n"
        conn.send(content + b".\r\n")
        code, reply = conn.getreply()
        if code != 250:
            self._reset()
            raise smtplib.SMTPDataError(code, reply)

    def _reset(self) -> None:
        """RSET after a refusal, as smtplib does: a server that already hung up must not hide it."""
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            self.connection.rset()
