"""Budget fixtures: a stand-in enrolment (the catalog's model is not ours to import) and policies."""

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from budgets.models import BudgetPolicy

_ids = itertools.count(1000)


@dataclass
class FakeEnrolment:
    """What the catalog's Enrolment offers the budget receivers: pk, employee, cost, hours, title."""

    employee: object
    cost: Decimal
    hours: Decimal = Decimal("8")
    title: str = "Klantgericht schrijven"
    pk: int = field(default_factory=lambda: next(_ids))


@pytest.fixture
def enrolment():
    def make(employee, cost, **kw):
        return FakeEnrolment(employee=employee, cost=Decimal(cost), **kw)

    return make


@pytest.fixture
def policy(db):
    """€1,000 and 40 hours per calendar year for everyone, pro rata."""
    return BudgetPolicy.objects.create(
        name="Everyone", amount=Decimal("1000.00"), hours=Decimal("40"), period_start=date(2026, 1, 1)
    )
