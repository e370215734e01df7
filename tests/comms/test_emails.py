"""The e-mails written directly as bytes for SMTP are the same e-mails Django builds: every header
and both parts compared after parsing, with plain, non-ASCII and awkward content."""

import email
from email.policy import default

import pytest
from django.conf import settings
from django.core.mail.message import sanitize_address

from comms import emails, rendering, services
from comms.models import Delivery, Message
from people.models import Employee


def _delivery(pk, *, first_name="Ann", address="ann@example.test", subject="Hi {{ first_name }}", body="B", link=""):
    message = Message(pk=7, key="k", subject=subject, body=body, link=link, category="plan")
    employee = Employee(pk=pk, first_name=first_name, last_name="X", email=address)
    return Delivery(pk=1000 + pk, message=message, employee=employee, channel="email")


def _parsed(data: bytes):
    parsed = email.message_from_bytes(data, policy=default)
    parts = {p.get_content_type(): p.get_content() for p in parsed.iter_parts()}
    headers = {  # compared unfolded; Django folds a long header before its first word
        k: str(parsed[k]).strip()
        for k in ("Subject", "From", "To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")
    }
    return headers, parts, parsed


CASES = [
    {},
    {"first_name": "Zoë", "body": "Beste {{ first_name }},\n\nNieuwe cursussen: één & <twee>.\n\nGroet"},
    {"subject": "Über {{ first_name }} " + "lang " * 30, "link": "/catalog/?q=a&b=c"},
    {"body": "{{ catalog_link }}\n\n" + "regel " * 100, "link": "{{ catalog_link }}"},
]


@pytest.mark.parametrize("case", CASES)
def test_raw_bytes_parse_to_the_same_email_as_django_builds(case):
    delivery = _delivery(3, **case)
    builder = emails.MessageEmails(delivery.message)
    parts = builder.parts(delivery)
    raw = builder.raw(parts)
    assert raw is not None
    envelope_from, to, data = raw
    assert to == delivery.employee.email
    assert envelope_from == sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")  # as Django's backend passes it
    ours = _parsed(data)
    django = _parsed(services.email_for(delivery).message().as_bytes(linesep="\r\n"))
    assert ours[0] == django[0]
    assert ours[1] == django[1]
    assert set(ours[1]) == {"text/plain", "text/html"}
    assert ours[2]["Date"]
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


def test_links_are_the_signed_links_of_rendering():
    delivery = _delivery(4, link="/catalog/")
    parts = emails.MessageEmails(delivery.message).parts(delivery)
    assert rendering.click_url(delivery.pk) in parts["text"]
    assert rendering.unsubscribe_url(4, "plan") in parts["text"]
    assert rendering.open_url(delivery.pk) in parts["html"]
    assert parts["headers"]["Message-ID"] == "<delivery-1004.7@leerborg>"


@pytest.mark.parametrize(
    "case",
    [
        {"address": "zoë@exämple.test"},  # needs IDNA / SMTPUTF8 handling: Django's path
        {"body": "x" * 1200},  # a line over 998 bytes: Django encodes it quoted-printable
        {"subject": "two\nlines"},  # Django refuses it (BadHeaderError): the same error as before
    ],
)
def test_what_the_fast_path_does_not_handle_goes_through_django(case):
    delivery = _delivery(5, **case)
    builder = emails.MessageEmails(delivery.message)
    assert builder.raw(builder.parts(delivery)) is None


@pytest.mark.parametrize("pipelining", [True, False])
def test_smtp_send_delivers_the_bytes_with_and_without_pipelining(pipelining):
    import smtplib

    from tests.comms.sinks import SmtpSink

    delivery = _delivery(6, body="line\n.starts with a dot\n..two")
    builder = emails.MessageEmails(delivery.message)
    envelope_from, to, data = builder.raw(builder.parts(delivery))
    with SmtpSink(pipelining=pipelining) as sink:
        host, port = sink.server.server_address
        conn = smtplib.SMTP(host, port)
        conn.ehlo()
        assert conn.has_extn("pipelining") is pipelining
        emails.smtp_send(conn, envelope_from, to, data)
        emails.smtp_send(conn, envelope_from, to, data)
        conn.quit()
    assert sink.count == 2
    assert sink.message_ids["<delivery-1006.7@leerborg>"] == 2
    text = sink.messages[0].get_payload()[0].get_payload()
    assert text.startswith("line\r\n.starts with a dot\r\n..two\r\n")  # dot-stuffing undone by the server


def test_smtp_send_raises_like_smtplib_when_the_server_refuses():
    import smtplib

    from tests.comms.sinks import SmtpSink

    delivery = _delivery(8)
    builder = emails.MessageEmails(delivery.message)
    raw = builder.raw(builder.parts(delivery))
    with SmtpSink(refuse_attempts=frozenset({1})) as sink:
        host, port = sink.server.server_address
        conn = smtplib.SMTP(host, port)
        conn.ehlo()
        with pytest.raises(smtplib.SMTPDataError):
            emails.smtp_send(conn, *raw)
        emails.smtp_send(conn, *raw)  # the connection is still usable after the refusal
        conn.quit()
    assert sink.count == 1
