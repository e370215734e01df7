"""Puts the signed-in person's roles and capabilities in every template, for the navigation."""

from .access import capabilities_of, roles_of
from .registry import registry


def roles(request):
    user = getattr(request, "user", None)
    caps = capabilities_of(user) if user is not None else set()
    return {
        "roles": roles_of(user),
        "caps": caps,
        "nav_items": [item for item in registry.nav if item.capability in caps and item.group == "mine"],
        "nav_team": [item for item in registry.nav if item.capability in caps and item.group == "team"],
        "nav_manage": [item for item in registry.nav if item.capability in caps and item.group == "manage"],
    }
