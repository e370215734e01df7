"""Who may do what with budgets: capabilities, and which budgets a person may see."""

from django.db.models import Q
from django.http import Http404

from people.access import Roles, can_view_employee, roles_of, rule
from people.reporting import team_member_ids

from .models import Budget


@rule("budgets.view_own")
def _view_own(roles: Roles) -> bool:
    return roles.is_employee


@rule("budgets.team")
def _team(roles: Roles) -> bool:
    return roles.is_manager


@rule("budgets.manage")
def _manage(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("budgets.read_all")
def _read_all(roles: Roles) -> bool:
    return roles.is_ld_staff or "reporting:read" in roles.scopes


def budgets_visible_to(user):
    """Budgets a person may see: L&D staff and reporting clients all, a manager own and the team's
    (direct and indirect), anyone else only their own."""
    roles = roles_of(user)
    if roles.is_ld_staff or "reporting:read" in roles.scopes:
        return Budget.objects.all()
    if roles.employee is None:
        return Budget.objects.none()
    mine = Q(employee_id=roles.employee.pk)
    if roles.is_manager:
        mine |= Q(employee_id__in=team_member_ids(roles.employee.pk))
    return Budget.objects.filter(mine)


def access_employee_budgets(user, employee):
    """Raise 404 unless the person may see this employee's budget (self, manager chain, L&D)."""
    if not can_view_employee(user, employee):
        raise Http404
    return employee
