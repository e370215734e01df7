"""Who may do what in comms: everyone with an employee record reads their own notifications and
sets their own preferences; L&D staff manage plans and see reach and delivery failures."""

from people.access import Roles, rule


@rule("comms.inbox")
def _inbox(roles: Roles) -> bool:
    return roles.is_employee


@rule("comms.manage")
def _manage(roles: Roles) -> bool:
    return roles.is_ld_staff
