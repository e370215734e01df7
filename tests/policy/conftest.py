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


@pytest.fixture
def policy_worker(redis_url, transactional_db, tmp_path):
    """start(extra_env) -> a real Celery worker on Redis with these environment overrides; all stopped after."""
    from tests.workers import WorkerProcess

    started = []

    def start(extra_env=None, concurrency=2):
        worker = WorkerProcess(
            redis_url=redis_url,
            log_path=tmp_path / f"worker{len(started)}.log",
            concurrency=concurrency,
            extra_env=extra_env or {},
        )
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()
