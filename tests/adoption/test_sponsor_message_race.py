"""A sponsor's message is sent once when the same form arrives twice at the same moment (a double
click, a proxy's retry) on PostgreSQL: the second insert of the form's key waits on the unique index
until the first commits, fails, and finds the first message, sending nothing. The negative control
drops the unique index: then both requests send, so the test above fails without it."""

import threading
import time
import uuid

import pytest
from django.db import connection
from django.db.models import Count

from adoption import services
from adoption.models import SponsorMessage
from comms.models import Delivery
from tests.adoption.helpers import programme as make_programme

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_sending(require_postgres, monkeypatch):
    """Widen the window: each request holds its transaction a moment after inserting its message."""
    real = services.notify_each_language

    def slowly(**kwargs):
        time.sleep(0.3)
        return real(**kwargs)

    monkeypatch.setattr(services, "notify_each_language", slowly)


def _twice_at_once(send) -> list[bool]:
    barrier = threading.Barrier(2)
    sent = []

    def run():
        try:
            barrier.wait()
            sent.append(send()[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(sent) == 2
    return sorted(sent)


def _send(personas, programme, key):
    return lambda: services.sponsor_message_send(
        sender=personas.outsider_manager, key=key, subject="Thanks", body="For the hours", programme=programme
    )


def _duplicates():
    return Delivery.objects.values("employee_id", "channel").annotate(n=Count("pk")).filter(n__gt=1).count()


def test_the_same_form_sent_twice_at_once_is_sent_once(slow_sending, personas):
    programme = make_programme(personas)
    assert _twice_at_once(_send(personas, programme, uuid.uuid4())) == [False, True]
    assert SponsorMessage.objects.count() == 1
    assert Delivery.objects.exists()
    assert _duplicates() == 0


def test_without_the_unique_key_both_would_send(slow_sending, personas):
    programme = make_programme(personas)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'adoption_sponsormessage'::regclass AND contype = 'u'"
        )
        (name,) = cursor.fetchone()
        cursor.execute(f'ALTER TABLE adoption_sponsormessage DROP CONSTRAINT "{name}"')
    try:
        assert _twice_at_once(_send(personas, programme, uuid.uuid4())) == [True, True]
        assert SponsorMessage.objects.count() == 2
        assert _duplicates() > 0
    finally:
        SponsorMessage.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE adoption_sponsormessage ADD CONSTRAINT "{name}" UNIQUE (key)')
