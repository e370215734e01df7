"""Home-page panels: the employee's budget, the team's budget use, the organisation's."""

from .selectors import budget_summary, budget_totals, current_budgets, team_totals


def employee_panel(request, roles) -> dict:
    return {"budget": budget_summary(roles.employee)}


def manager_panel(request, roles) -> dict:
    return {"team_budget": team_totals(manager=roles.employee)}


def ld_panel(request, roles) -> dict:
    return {"org_budget": budget_totals(current_budgets().filter(employee__active=True))}
