"""The e-mails written directly as bytes for SMTP are the same e-mails Django builds: every header
and both parts compared after parsing, with plain, non-ASCII and awkward content. The pipelining
SMTP backend sends them (or Django's bytes) as Django's SMTP backend would."""

import email
from email.policy import default

import pytest
from django.conf import settings
from django.core.mail.message import sanitize_address

from comms import emails, rendering, services
from comms.models import Delivery, Message
from comms.smtp_backend import PipeliningSMTPBackend, _envelope
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
    data = builder.email(delivery, prepare=True).prepared_bytes
    assert data is not None
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
    assert builder.email(delivery, prepare=True).prepared_bytes is None


@pytest.mark.parametrize(
    "address",
    [
        "ann@example.test",
        settings.DEFAULT_FROM_EMAIL,
        "Zoë <zoe@example.test>",
        "zoë@exämple.test",
        "o'brien@example.test",
        '"quoted name"@example.test',
    ],
)
def test_envelope_addresses_are_what_djangos_backend_passes(address):
    assert _envelope(address, "utf-8") == sanitize_address(address, "utf-8")


def _backend(sink) -> PipeliningSMTPBackend:
    host, port = sink.server.server_address
    return PipeliningSMTPBackend(host=host, port=port, fail_silently=False)


@pytest.mark.parametrize("prepare", [True, False], ids=["prepared-bytes", "djangos-bytes"])
@pytest.mark.parametrize("pipelining", [True, False])
def test_the_backend_delivers_with_and_without_pipelining(pipelining, prepare):
    from tests.comms.sinks import SmtpSink

    delivery = _delivery(6, body="line\n.starts with a dot\n..two")
    email = emails.MessageEmails(delivery.message).email(delivery, prepare=prepare)
    assert (email.prepared_bytes is not None) is prepare
    with SmtpSink(pipelining=pipelining) as sink:
        backend = _backend(sink)
        with backend:
            assert backend.connection.has_extn("pipelining") is pipelining  # greeted when opened
            assert backend.send_messages([email, email]) == 2
    assert sink.count == 2
    assert sink.message_ids["<delivery-1006.7@leerborg>"] == 2
    text = sink.messages[0].get_payload()[0].get_payload()
    assert text.startswith("line\r\n.starts with a dot\r\n..two\r\n")  # dot-stuffing undone by the server


def test_the_backend_raises_like_smtplib_when_the_server_refuses():
    import smtplib

    from tests.comms.sinks import SmtpSink

    delivery = _delivery(8)
    email = emails.MessageEmails(delivery.message).email(delivery, prepare=True)
    with SmtpSink(refuse_attempts=frozenset({1})) as sink:
        backend = _backend(sink)
        with backend:
            with pytest.raises(smtplib.SMTPDataError):
                backend.send_messages([email])
            assert backend.send_messages([email]) == 1  # the connection is still usable after the refusal
    assert sink.count == 1


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"EMAIL_URL": "smtp+tls://u:p@mail.example.nl:587"}, "comms.smtp_backend.PipeliningSMTPBackend"),
        ({"EMAIL_URL": "consolemail://"}, "django.core.mail.backends.console.EmailBackend"),
        (
            {"EMAIL_URL": "smtp://mail.example.nl", "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend"},
            "anymail.backends.postmark.EmailBackend",
        ),
    ],
)
def test_smtp_uses_the_pipelining_backend_and_any_other_backend_is_configuration(env, backend):
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "EMAIL_BACKEND", "DJANGO_SETTINGS_MODULE"}}
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_HOST)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    name, host = result.stdout.split()
    assert name == backend
    if env["EMAIL_URL"].startswith("smtp"):
        assert host == "mail.example.nl"  # EMAIL_URL's settings apply whichever backend sends
