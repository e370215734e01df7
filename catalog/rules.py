"""Who may do what in the catalog: one rule per capability, over the person's (or API client's) roles."""

from people.access import Roles, rule


@rule("catalog.browse")
def _browse(roles: Roles) -> bool:
    # People browse the catalog; an API client reads items through `catalog.read_items`.
    return roles.authenticated and not roles.is_api_client


@rule("catalog.request")
def _request(roles: Roles) -> bool:
    return roles.is_employee and not roles.is_api_client


@rule("catalog.decide")
def _decide(roles: Roles) -> bool:
    return roles.is_manager or roles.is_ld_staff


@rule("catalog.team")
def _team(roles: Roles) -> bool:
    return roles.is_manager


@rule("catalog.manage")
def _manage(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("catalog.read_items")
def _read_items(roles: Roles) -> bool:
    # Every signed-in person; an API client only with a scope that works with the catalog.
    if roles.is_api_client:
        return bool(roles.scopes & {"hris:write", "catalog:write", "lms:write", "reporting:read"})
    return roles.authenticated


@rule("catalog.write_items")
def _write_items(roles: Roles) -> bool:
    return roles.is_ld_staff or "hris:write" in roles.scopes or "catalog:write" in roles.scopes


@rule("catalog.read_rules")
def _read_rules(roles: Roles) -> bool:
    # Mandatory rules: L&D staff, and the systems that feed or report on the catalog.
    return roles.is_ld_staff or bool(roles.scopes & {"hris:write", "catalog:write", "reporting:read"})


@rule("catalog.read_enrolments")
def _read_enrolments(roles: Roles) -> bool:
    return roles.is_employee or roles.is_ld_staff or bool(roles.scopes & {"reporting:read", "lms:write", "hris:write"})


@rule("catalog.report_completions")
def _report_completions(roles: Roles) -> bool:
    return roles.is_ld_staff or "lms:write" in roles.scopes or "hris:write" in roles.scopes
