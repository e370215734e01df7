"""Lowering a session's seats while people book the last ones never leaves more bookings than seats."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from catalog import services
from catalog.models import SEAT_STATUSES, CatalogSettings, Enrolment, Session
from tests.catalog.factories import SessionFactory, counted_slowly, unlocked_session
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 6


@pytest.fixture
def setup(require_postgres, monkeypatch):
    CatalogSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": Decimal("0")})
    session = SessionFactory(seats=10, item__cost=Decimal("200"))
    for _ in range(7):
        services.enrolment_request(employee=EmployeeFactory(), item=session.item, session=session, motivation="x")
    # The same widened window as the seat race: between counting the bookings and writing.
    monkeypatch.setattr(services.sessions, "session_booked", counted_slowly(services.sessions.session_booked))
    return session, [EmployeeFactory() for _ in range(REQUESTS)]


def _race(session, employees):
    """L&D staff lower the seats to the 7 booked while six people ask for the 3 seats left."""
    barrier = threading.Barrier(len(employees) + 1)
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(getattr(exc, "code", None) or "invalid")
        finally:
            connection.close()

    def lower():
        services.session_update(
            session=Session.objects.get(pk=session.pk),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            seats=7,
            place=session.place,
        )

    def ask(employee):
        return lambda: services.enrolment_request(
            employee=employee, item=session.item, session=session, motivation="me"
        )

    threads = [threading.Thread(target=run, args=(lower,))]
    threads += [threading.Thread(target=run, args=(ask(e),)) for e in employees]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == REQUESTS + 1
    session.refresh_from_db()
    return session.seats, Enrolment.objects.filter(session=session, status__in=SEAT_STATUSES).count()


def test_lowering_seats_during_bookings_never_leaves_more_bookings_than_seats(setup):
    session, employees = setup
    seats, booked = _race(session, employees)
    assert booked <= seats
    # Either the seats went down first (no one else got in) or the bookings did (the change was refused).
    assert (seats, booked) in {(7, 7), (10, 10)}


def test_negative_control_without_the_lock_the_session_ends_up_overbooked(setup, monkeypatch):
    monkeypatch.setattr(services.sessions, "_lock_session", unlocked_session)
    session, employees = setup
    seats, booked = _race(session, employees)
    assert booked > seats
