"""Fixtures the operations tests borrow from the catalog's tests."""

from tests.catalog.conftest import cheap_item, threshold  # noqa: F401 - fixtures, used by name
