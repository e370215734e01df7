"""A published story quoted in a communication message (`{{ story:12 }}`): the message validates,
each reader reads the quote with the writer's name only when the writer agreed (otherwise "a
colleague", in the reader's language), a story taken back quotes nothing, and the e-mail batch
reads the quoted stories once, not once per recipient."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Enrolment, Status
from comms import emails, rendering
from comms.models import Delivery, Message
from engagement.services import story_publish, story_submit, story_withdraw
from tests.catalog.factories import ItemFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _published(writer, hr, *, named):
    item = ItemFactory()
    Enrolment.objects.create(employee=writer, item=item, motivation="x", status=Status.COMPLETED)
    story = story_submit(
        writer=writer, item_id=item.pk, effect="smarter", text="I plan my calls in blocks.", quote_with_name=named
    )
    return story_publish(story_id=story.pk, by=hr)


def _message(body):
    message = Message(key=None, subject="Learning works", body=body, category="plan")
    message.clean()  # a known placeholder: no error
    return message


def test_a_quote_names_the_writer_only_with_consent_in_the_readers_language(employee, other_employee, hr):
    named, anonymous = _published(employee, hr, named=True), _published(other_employee, hr, named=False)
    reader = EmployeeFactory(locale="nl")
    message = _message(f"Listen:\n{{{{ story:{named.pk} }}}}\n{{{{ story:{anonymous.pk} }}}}")
    _subject, body, _link = rendering.render_message(message, reader)
    assert body == ("Listen:\n“I plan my calls in blocks.” — Zoë de Vries\n“I plan my calls in blocks.” — een collega")


def test_a_story_taken_back_quotes_nothing(employee, hr):
    story = _published(employee, hr, named=True)
    story_withdraw(story_id=story.pk, writer=employee)
    _subject, body, _link = rendering.render_message(_message(f"Hear this: {{{{ story:{story.pk} }}}}"), employee)
    assert body == "Hear this: "


def test_the_email_batch_reads_the_quotes_once(employee, hr):
    story = _published(employee, hr, named=False)
    message = _message(f"{{{{ story:{story.pk} }}}}")
    message.save()
    readers = [EmployeeFactory(locale=locale) for locale in ("nl", "en", "nl")]
    deliveries = [Delivery(pk=9000 + i, message=message, employee=r, channel="email") for i, r in enumerate(readers)]
    with CaptureQueriesContext(connection) as ctx:
        builder = emails.MessageEmails(message)
        bodies = [builder.parts(d)["text"].split("\n\n-- ")[0] for d in deliveries]
    assert len(ctx) == 1
    assert bodies == [
        "“I plan my calls in blocks.” — een collega",
        "“I plan my calls in blocks.” — a colleague",
        "“I plan my calls in blocks.” — een collega",
    ]
