"""A session never overbooks, also when many people ask for the last seats at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from catalog import services
from catalog.models import CatalogSettings, Enrolment
from tests.catalog.factories import SessionFactory, counted_slowly, unlocked_session
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 30


def _race(session, employees):
    """Every employee asks for the session at once, each in its own thread and connection."""
    barrier = threading.Barrier(len(employees))
    outcomes = []

    def ask(employee):
        try:
            barrier.wait()
            services.enrolment_request(employee=employee, item=session.item, session=session, motivation="me")
            outcomes.append("booked")
        except ValidationError as exc:
            outcomes.append(exc.code if hasattr(exc, "code") else "invalid")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(e,)) for e in employees]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.fixture
def race_setup(require_postgres):
    CatalogSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": Decimal("0")})
    session = SessionFactory(seats=10, item__cost=Decimal("200"))
    # Seven seats are taken already: three are left for thirty people.
    for _ in range(7):
        services.enrolment_request(employee=EmployeeFactory(), item=session.item, session=session, motivation="x")
    employees = [EmployeeFactory() for _ in range(REQUESTS)]
    return session, employees


@pytest.fixture
def race_window(monkeypatch):
    # Widen the window between counting and booking, for both tests alike, so the unprotected run
    # shows the race reliably and the protected run proves the lock holds under the same pressure.
    monkeypatch.setattr(services.sessions, "session_booked", counted_slowly(services.sessions.session_booked))


def test_last_seats_are_never_overbooked_under_concurrent_requests(race_setup, race_window):
    session, employees = race_setup
    outcomes = _race(session, employees)
    assert len(outcomes) == REQUESTS
    assert outcomes.count("booked") == 3
    assert outcomes.count("session_full") == REQUESTS - 3
    assert Enrolment.objects.filter(session=session).count() == session.seats


def test_negative_control_without_the_lock_the_session_overbooks(race_setup, race_window, monkeypatch):
    monkeypatch.setattr(services.sessions, "_lock_session", unlocked_session)
    session, employees = race_setup
    outcomes = _race(session, employees)
    assert outcomes.count("booked") > 3
    assert Enrolment.objects.filter(session=session).count() > session.seats
