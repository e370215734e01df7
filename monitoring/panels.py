"""Home-page panels: the four lights for L&D staff, the team's uptake for a manager, "my learning
this year" for an employee. Each a constant number of queries."""

from django.utils import timezone

from people.audience import EVERYONE, Audience, AudienceKind

from . import metrics as metric_registry
from .facts import fact_sums
from .periods import Period
from .reports import Card, _sentence
from .selectors import barrier_indicators, figure_of, metric_values

TEAM_METRICS = ("participation", "no_activity", "knows_budget", "budget_utilisation")


def ld_panel(request, roles) -> dict:
    period = Period.this_year()
    values = metric_values(EVERYONE, period, _barrier_metrics())
    indicators = barrier_indicators(EVERYONE, period, values=values)  # no trend here: one query less
    return {"monitoring_cards": [Card(i, _sentence(i), None, []) for i in indicators], "monitoring_period": period}


def _barrier_metrics() -> list[str]:
    from .selectors import BARRIERS

    return [n for b in BARRIERS for n in b.metrics]


def manager_panel(request, roles) -> dict:
    team = Audience.of(AudienceKind.TEAM, manager=roles.employee)
    values = metric_values(team, Period.this_year(), TEAM_METRICS)
    return {"team_readings": [(metric_registry.get(n), values[n]) for n in TEAM_METRICS]}


def employee_panel(request, roles) -> dict:
    """My learning this year: hours against my learning-time policy, trainings completed, budget used."""
    period = Period.this_year()
    facts = ("hours", "target_hours", "finished", "used", "allocated")
    mine = fact_sums(EVERYONE, period, facts, by="employee", only=[roles.employee.pk]).get(roles.employee.pk)
    if mine is None:
        return {"my_year": None}
    return {
        "my_year": {
            "year": timezone.localdate().year,
            "hours": mine["hours"],
            "target": mine["target_hours"],
            "hours_share": figure_of(metric_registry.get("hours_vs_policy"), mine["hours"], mine["target_hours"]),
            "finished": int(mine["finished"]),
            "budget": figure_of(metric_registry.get("budget_utilisation"), mine["used"], mine["allocated"]),
            "used": mine["used"],
            "allocated": mine["allocated"],
        }
    }
