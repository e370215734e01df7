"""Fixtures the cross-app tests borrow from the apps' own test folders."""

from tests.comms.conftest import plan, plan_message  # noqa: F401 - fixtures, used by name
from tests.policy.conftest import make_moment  # noqa: F401 - a fixture, used by name
