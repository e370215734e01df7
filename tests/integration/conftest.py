"""Fixtures the cross-app tests borrow from the apps' own test folders."""

from tests.policy.conftest import make_moment  # noqa: F401 - a fixture, used by name
