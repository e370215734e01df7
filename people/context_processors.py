"""Puts the signed-in person's roles and capabilities in every template, for the navigation."""

from .access import capabilities_of, roles_of


def roles(request):
    user = getattr(request, "user", None)
    return {
        "roles": roles_of(user),
        "caps": capabilities_of(user) if user is not None else set(),
    }
