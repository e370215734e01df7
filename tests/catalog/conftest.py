"""Catalog fixtures: the approval threshold and a few items."""

from decimal import Decimal

import pytest

from catalog.models import CatalogSettings
from tests.catalog.factories import ItemFactory, SessionFactory


@pytest.fixture
def threshold(db):
    settings = CatalogSettings.current()
    settings.approval_threshold = Decimal("100.00")
    settings.save()
    return settings


@pytest.fixture
def pricey_item(threshold):
    return ItemFactory(title="Negotiation masterclass", cost=Decimal("450.00"), format="classroom")


@pytest.fixture
def cheap_item(threshold):
    return ItemFactory(title="Excel in an hour", cost=Decimal("25.00"))


@pytest.fixture
def session(threshold):
    return SessionFactory(item__cost=Decimal("300.00"), seats=3)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached "for you" rankings must not leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
