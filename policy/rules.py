"""Who may do what with learning moments and the learning-time policy."""

from people.access import Roles, rule


@rule("policy.view_own")
def _view_own(roles: Roles) -> bool:
    """My moments, check-in, mute, my calendar feed, my hours."""
    return roles.is_employee


@rule("policy.team_hours")
def _team_hours(roles: Roles) -> bool:
    # A team's page: L&D staff without a team of their own get no empty one (they read hours per
    # scope on the policy pages).
    return roles.is_manager


@rule("policy.manage")
def _manage(roles: Roles) -> bool:
    """Moments, their occurrences, learning-time policies, hours per scope."""
    return roles.is_ld_staff
