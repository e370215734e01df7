"""Who may do what with adoption programmes. Which programme a person may open is decided per
programme in adoption.selectors.programmes_visible_to (sponsored, the team's, or all for L&D)."""

from people.access import Roles, rule


@rule("adoption.view")
def _view(roles: Roles) -> bool:
    """Programme pages: L&D staff; managers and sponsors for the programmes they may see."""
    return roles.is_employee or roles.is_ld_staff


@rule("adoption.manage")
def _manage(roles: Roles) -> bool:
    """Create and run programmes, start cycles, hold reviews, extend: L&D staff."""
    return roles.is_ld_staff and roles.is_employee


@rule("adoption.home")
def _home(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("adoption.api")
def _api(roles: Roles) -> bool:
    return roles.is_ld_staff or "reporting:read" in roles.scopes


@rule("adoption.sponsor")
def _sponsor(roles: Roles) -> bool:
    """The menu's way to the sponsor's page: managers (sponsors by their role) and L&D staff. The
    page also opens for people L&D staff marked as sponsors (goals' rule), whom the goals panel on
    their home page leads there."""
    return roles.is_employee and (roles.is_manager or roles.is_ld_staff)
