"""Fixtures of the comms tests: a plan message and recipients in bulk (real workers come from
`start_worker` in tests/conftest.py)."""

import pytest

from comms.models import Channel, CommunicationPlan, Message, When
from people.audience import EVERYONE
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
        audience=EVERYONE,
        reason="People do not know the offer.",
        when=When.AT,
        send_at=timezone.now(),
    )


@pytest.fixture
def recipients(db):
    def make(n):
        return [e.pk for e in EmployeeFactory.create_batch(n)]

    return make
