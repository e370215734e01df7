"""Points under concurrent events on PostgreSQL: the same event twice at once is recorded once, and
two events at once never pass the daily cap. The guard for the cap is the lock on the person's
participant row; without it (the negative control) both events read the same room under the cap
and both count."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from engagement.models import Activity, ActivityKind, Participant
from engagement.services import activity_record, ledger, point_rule_save

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def slow_count(require_postgres, monkeypatch):
    counted = ledger._counted

    def count_slowly(*args, **kwargs):  # widen the window between reading the day's points and writing
        result = counted(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(ledger, "_counted", count_slowly)


def _at_once(*sources, employee):
    barrier = threading.Barrier(len(sources))
    errors = []

    def run(source):
        try:
            barrier.wait()
            activity_record(employee_id=employee.pk, kind=ActivityKind.ATTENDED, source=source, subject=source, at=AT)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []


def _points(employee) -> int:
    return sum(Activity.objects.filter(employee=employee).values_list("points", flat=True))


def _cap_at_one_event():
    point_rule_save(kind=ActivityKind.ATTENDED, points=3, daily_cap=3, repeat_days=0, by=None)


def test_the_same_event_twice_at_once_counts_once(slow_count, employee):
    Participant.objects.create(employee=employee)
    _at_once("attendance:1:a", "attendance:1:a", employee=employee)
    assert Activity.objects.filter(employee=employee).count() == 1
    assert _points(employee) == 3


def test_two_events_at_once_never_pass_the_daily_cap(slow_count, employee):
    _cap_at_one_event()
    Participant.objects.create(employee=employee)
    _at_once("attendance:1:a", "attendance:2:a", employee=employee)
    assert sorted(Activity.objects.filter(employee=employee).values_list("points", flat=True)) == [0, 3]
    assert _points(employee) == 3


def test_negative_control_without_the_lock_both_events_count_past_the_cap(slow_count, employee, monkeypatch):
    _cap_at_one_event()
    Participant.objects.create(employee=employee)
    monkeypatch.setattr(ledger, "_lock_participant", lambda employee_id: None)
    _at_once("attendance:1:a", "attendance:2:a", employee=employee)
    assert _points(employee) == 6  # the race the lock closes


def test_without_the_lock_the_unique_key_still_records_a_double_event_once(slow_count, employee, monkeypatch):
    monkeypatch.setattr(ledger, "_lock_participant", lambda employee_id: None)
    _at_once("attendance:1:a", "attendance:1:a", employee=employee)
    assert Activity.objects.filter(employee=employee).count() == 1
