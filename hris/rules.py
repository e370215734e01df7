"""Capabilities of the HRIS app, for L&D staff and for API clients by scope."""

from people.access import Roles, rule


@rule("hris.write")
def _hris_write(roles: Roles) -> bool:
    return "hris:write" in roles.scopes


@rule("hris.read")
def _hris_read(roles: Roles) -> bool:
    return roles.is_ld_staff or bool({"hris:write", "reporting:read"} & roles.scopes)


@rule("reporting.read")
def _reporting_read(roles: Roles) -> bool:
    return roles.is_ld_staff or "reporting:read" in roles.scopes


@rule("hris.clients")
def _hris_clients(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("hris.import")
def _hris_import(roles: Roles) -> bool:
    return roles.is_ld_staff
