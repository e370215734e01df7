"""Who may do what with goals. Which goal a person may open, change or decide on is decided per goal
in goals.access (own, sponsored, or the audience's active goals)."""

from people.access import Roles, rule


@rule("goals.view")
def _view(roles: Roles) -> bool:
    """The goals list: my goals, those I sponsor, those of my audience; every goal for L&D staff."""
    return roles.is_employee or roles.is_ld_staff


@rule("goals.propose")
def _propose(roles: Roles) -> bool:
    """Propose a goal: L&D staff for anyone, a manager for their own team."""
    return roles.is_employee and (roles.is_ld_staff or roles.is_manager)


@rule("goals.sponsors")
def _sponsors(roles: Roles) -> bool:
    """Mark people as sponsors."""
    return roles.is_ld_staff


@rule("goals.api")
def _api(roles: Roles) -> bool:
    return roles.is_ld_staff or "reporting:read" in roles.scopes
