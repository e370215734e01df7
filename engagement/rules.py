"""Who may do what with engagement: everyone with an employee record sees their own activity and
their boards; L&D staff tune the point rules and give rewards."""

from people.access import Roles, rule


@rule("engagement.view")
def _view(roles: Roles) -> bool:
    """My activity, my boards, my choice to be named."""
    return roles.is_employee


@rule("engagement.manage")
def _manage(roles: Roles) -> bool:
    """Point rules, every board, rewards."""
    return roles.is_employee and roles.is_ld_staff


@rule("engagement.api")
def _api(roles: Roles) -> bool:
    return roles.is_ld_staff or "reporting:read" in roles.scopes
