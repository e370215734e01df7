"""Fixtures for the policy tests: moments made through the service."""

from datetime import date, time

import pytest

from policy.services import moment_create


@pytest.fixture
def make_moment(db):
    def make(**fields):
        defaults = {
            "title": "Learning half hour",
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "starts_on": date(2026, 1, 6),
            "start_time": time(9, 0),
            "timezone": "Europe/Amsterdam",
            "duration_minutes": 30,
        }
        defaults.update(fields)
        return moment_create(**defaults)

    return make
