"""Home-page panels: the employee's budget, the team's budget use, the organisation's."""

from people.reporting import team_sizes_of

from .selectors import budget_summary, budget_totals, current_budgets, team_totals_shown


def employee_panel(request, roles) -> dict:
    return {"budget": budget_summary(roles.employee)}


def manager_panel(request, roles) -> dict:
    """The team's budget use: a large team's as the nightly task kept it, saying when."""
    size = sum(team_sizes_of(request, roles.employee.pk).values())  # the home's own count, shared
    totals, kept_at = team_totals_shown(manager=roles.employee, size=size)
    return {"team_budget": totals, "team_budget_kept_at": kept_at}


def ld_panel(request, roles) -> dict:
    return {"org_budget": budget_totals(current_budgets().filter(employee__active=True))}
