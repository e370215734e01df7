"""Claiming deliveries under real concurrency on PostgreSQL, with the negative control."""

import threading

import pytest
from django.db import connection

from comms import services
from comms.models import Delivery, Message
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.postgres]
N = 50


@pytest.fixture
def queued_ids(transactional_db, require_postgres, monkeypatch):
    ids = [e.pk for e in EmployeeFactory.create_batch(N)]
    message = Message.objects.create(key="race", subject="S", body="B", channels=["email"])
    monkeypatch.setattr(services.delivery, "_enqueue_send", lambda *a, **k: None)
    services.message_send(message=message, employee_ids=ids)
    return list(Delivery.objects.filter(message=message).values_list("id", flat=True))


def _race(claim, threads=2):
    barrier = threading.Barrier(threads)
    results = []

    def run():
        try:
            results.append(claim(barrier))
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def test_two_senders_never_claim_the_same_delivery(queued_ids):
    def claim(barrier):
        barrier.wait()
        return services.deliveries_claim(ids=queued_ids)[1]

    claimed = _race(claim)
    assert sum(claimed) == N  # each row went to exactly one sender


def test_negative_control_a_read_then_write_claim_hands_rows_to_both(queued_ids):
    """Without the condition in the UPDATE (read claimable rows, then write by id) both senders
    believe they own every row: that is the double send the conditional update prevents."""

    def claim(barrier):
        ids = list(Delivery.objects.filter(id__in=queued_ids, claimed_at=None).values_list("id", flat=True))
        barrier.wait()
        from django.utils import timezone

        return Delivery.objects.filter(id__in=ids).update(claimed_at=timezone.now())

    claimed = _race(claim)
    assert sum(claimed) == 2 * N
