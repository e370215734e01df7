"""Who may do what with surveys. Which results a person sees is decided per group in
surveys.access (above the minimum, and a manager only their own part of the organisation)."""

from people.access import Roles, rule


@rule("surveys.answer")
def _answer(roles: Roles) -> bool:
    """My invitations and the answer page."""
    return roles.is_employee


@rule("surveys.results")
def _results(roles: Roles) -> bool:
    """Results of closed surveys: published ones for employees, a manager's own part, all for L&D,
    the aggregate for API clients with `reporting:read`."""
    return roles.is_employee or roles.is_ld_staff or "reporting:read" in roles.scopes


@rule("surveys.manage")
def _manage(roles: Roles) -> bool:
    """Build, open, close and publish surveys; the live response rate."""
    return roles.is_ld_staff
