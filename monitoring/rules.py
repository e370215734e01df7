"""Who may read the monitoring: L&D staff everything, a manager their own team, reporting clients
the API; employees only their own figures (on their home page)."""

from people.access import Roles, rule


@rule("monitoring.view")
def _view(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("monitoring.team")
def _team(roles: Roles) -> bool:
    return roles.is_manager


@rule("monitoring.api")
def _api(roles: Roles) -> bool:
    # A manager passes here and is held to their own team by the view (monitoring.api._allowed).
    return roles.is_ld_staff or roles.is_manager or "reporting:read" in roles.scopes
