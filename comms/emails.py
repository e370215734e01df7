"""Building the e-mails of one message for many recipients: what they share is worked out once.

`MessageEmails(message)` prepares per batch what every e-mail of a message has in common (the
placeholders it uses and their shared values, the translated link texts, the URL prefixes and
signers of the signed links, the From address, the MIME boundary). Per recipient only their own
values are filled in and the three links signed. `email()` gives Django's
`EmailMultiAlternatives` for any mail backend; with `prepare=True` it also carries the finished
wire bytes (`prepared_bytes`), which the pipelining SMTP backend (comms.smtp_backend) sends
instead of running Django's general MIME generator (about ten times the work). The bytes are the
same e-mail: `tests/comms/test_emails.py` parses both and compares every header and part.
Whatever the prepared path does not handle simply (a non-ASCII address, a line over 998 bytes, a
header with a line break) is left to Django (`prepared_bytes` stays None).
"""

import uuid
from email.header import Header
from email.utils import formatdate
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from . import rendering

_MARK = "LBTOKEN"
_LINE_LIMIT = 998  # RFC 5322


def _link(name: str, salt: str):
    """(signer, absolute URL before the token, after it): reverse() once instead of per e-mail."""
    before, after = rendering.absolute(reverse(name, args=[_MARK])).split(_MARK)
    return signing.Signer(salt=salt), before, after


def _longest_line(data: bytes, sep: bytes) -> int:
    return max(map(len, data.split(sep))) if len(data) > _LINE_LIMIT else len(data)


@lru_cache(maxsize=64)
def _html_body(body: str) -> str:
    return linebreaks(escape(body))


def _ascii(text: str) -> bool:
    return text.isascii()


class MessageEmails:
    def __init__(self, message):
        self.message = message
        self.used = rendering.used_placeholders(message.subject, message.body, message.link)
        # Values that are the same for everyone (the catalogue link) are computed once.
        self.shared = rendering.placeholder_values(None, self.used & {"catalog_link"})
        self.personal = self.used - {"catalog_link"}
        self.quotes = rendering.story_quotes(self.used)  # read once; "a colleague" per reader's language
        self._chrome: dict[str, tuple[str, str, str]] = {}
        self.open_link = _link("comms:open", rendering.OPEN_SALT)
        self.click_link = _link("comms:click", rendering.CLICK_SALT)
        self.unsubscribe_link = _link("comms:unsubscribe", rendering.UNSUBSCRIBE_SALT)
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.from_header = self._from_header()
        self.boundary = f"===============lb{uuid.uuid4().int:039d}=="

    def _from_header(self) -> str | None:
        probe = EmailMultiAlternatives(subject="x", body="x", from_email=self.from_email, to=["x@example.test"])
        value = probe.message()["From"]
        return value if isinstance(value, str) and _ascii(value) and "\n" not in value else None

    @staticmethod
    def _signed(link, value: str) -> str:
        signer, before, after = link
        return f"{before}{signer.sign(value)}{after}"

    def chrome(self, locale: str) -> tuple[str, str, str]:
        """ "Open", "Unsubscribe" and "Stop these e-mails" in the recipient's language (once per language)."""
        if locale not in self._chrome:
            with translation.override(locale or settings.LANGUAGE_CODE):
                self._chrome[locale] = (_("Open"), _("Unsubscribe"), _("Stop these e-mails: %(url)s"))
        return self._chrome[locale]

    def parts(self, delivery) -> dict:
        """Everything personal in one recipient's e-mail."""
        employee = delivery.employee
        open_text, unsubscribe_text, stop_text = self.chrome(employee.locale)
        values = {**self.shared, **rendering.placeholder_values(employee, self.personal, quotes=self.quotes)}
        message = self.message
        subject = rendering.render(message.subject, values)
        body = rendering.render(message.body, values)
        link = rendering.render(message.link, values)
        unsubscribe = self._signed(self.unsubscribe_link, f"{employee.pk}.{message.category}")
        text = body
        html = _html_body(body)
        if link:
            click = self._signed(self.click_link, str(delivery.pk))
            text += f"\n\n{click}"
            html += f'<p><a href="{escape(click)}">{escape(open_text)}</a></p>'
        text += "\n\n-- \n" + stop_text % {"url": unsubscribe}
        html += (
            f'<p style="font-size:small"><a href="{escape(unsubscribe)}">{escape(unsubscribe_text)}</a></p>'
            f'<img src="{escape(self._signed(self.open_link, str(delivery.pk)))}" width="1" height="1" alt="">'
        )
        return {
            "subject": subject,
            "text": text,
            "html": html,
            "to": employee.email,
            "headers": {
                # Stable per delivery: a resend after a crash is recognisable as the same message.
                "Message-ID": f"<delivery-{delivery.pk}.{message.pk}@leerborg>",
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        }

    def email(self, delivery, parts: dict | None = None, *, prepare: bool = False) -> EmailMultiAlternatives:
        """The delivery's e-mail; with `prepare`, also its wire bytes in `prepared_bytes` (or None)."""
        p = parts or self.parts(delivery)
        email = EmailMultiAlternatives(
            subject=p["subject"], body=p["text"], from_email=self.from_email, to=[p["to"]], headers=p["headers"]
        )
        email.attach_alternative(p["html"], "text/html")
        email.prepared_bytes = self.prepared(p) if prepare else None
        return email

    def prepared(self, parts: dict) -> bytes | None:
        """The e-mail as SMTP sends it, or None when Django must build it."""
        to, subject = parts["to"], parts["subject"]
        if self.from_header is None or not _ascii(to) or "\n" in to or "\r" in subject or "\n" in subject:
            return None
        if not _ascii(subject):
            subject = Header(subject, settings.DEFAULT_CHARSET).encode(linesep="\r\n")
        lines = [
            f'Content-Type: multipart/alternative;\r\n boundary="{self.boundary}"',
            "MIME-Version: 1.0",
            f"Subject: {subject}",
            f"From: {self.from_header}",
            f"To: {to}",
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
            *(f"{k}: {v}" for k, v in parts["headers"].items()),
            "",
        ]
        for kind in ("plain", "html"):
            content = parts["text" if kind == "plain" else "html"]
            if self.boundary in content or "\r" in content:
                return None
            if _longest_line(content.encode(), b"\n") > _LINE_LIMIT:
                return None
            lines += [
                f"--{self.boundary}",
                f'Content-Type: text/{kind}; charset="utf-8"',
                "MIME-Version: 1.0",
                f"Content-Transfer-Encoding: {'7bit' if _ascii(content) else '8bit'}",
                "",
                content.replace("\n", "\r\n"),
            ]
        lines += [f"--{self.boundary}--", ""]
        data = "\r\n".join(lines).encode()
        if _longest_line(data, b"\r\n") > _LINE_LIMIT:
            return None
        return data
