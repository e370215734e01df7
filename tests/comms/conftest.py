"""Fixtures of the comms tests: a plan message, recipients in bulk, and a worker whose e-mail and
retry settings point at local stand-ins."""

import pytest

from comms.models import Audience, Channel, CommunicationPlan, Message, When
from tests.factories import EmployeeFactory


@pytest.fixture
def plan(db):
    return CommunicationPlan.objects.create(name="Launch of the learning offer")


@pytest.fixture
def plan_message(plan):
    from django.utils import timezone

    return Message.objects.create(
        plan=plan,
        subject="Hello {{ first_name }}",
        body="Your budget: {{ budget_available }}. See {{ catalog_link }}",
        link="/catalog/",
        channels=[Channel.EMAIL, Channel.IN_APP],
        audience=Audience.EVERYONE,
        reason="People do not know the offer.",
        when=When.AT,
        send_at=timezone.now(),
    )


@pytest.fixture
def recipients(db):
    def make(n):
        return [e.pk for e in EmployeeFactory.create_batch(n)]

    return make


@pytest.fixture
def comms_worker(redis_url, transactional_db, tmp_path):
    """start(extra_env) -> a real worker on Redis with these environment overrides; all stopped after."""
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
