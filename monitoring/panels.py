"""Home-page panels: the four lights for L&D staff, the team's learning per person and its uptake
for a manager, "my learning this year" for an employee. Each a constant number of queries, whatever
the size of the team."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from catalog.selectors import mandatory_overdue_count
from people.audience import EVERYONE, Audience, AudienceKind
from people.models import Employee, ReportingLine
from policy.selectors import HoursRow, hours_overview

from . import metrics as metric_registry
from .facts import fact_sums
from .periods import Period
from .reports import Card, _sentence
from .selectors import barrier_indicators, figure_of, kept_figures, metric_values


def ld_panel(request, roles) -> dict:
    """The organisation's four lights this year: from the figures the nightly task kept when they
    are today's (one query instead of the statement over everyone, 0.87 s at 50,000 people), with
    the time they were worked out; else worked out now."""
    period = Period.this_year()
    kept = kept_figures(EVERYONE, period, parts=())  # the total only
    values = metric_values(EVERYONE, period, _barrier_metrics(), kept=kept)
    indicators = barrier_indicators(EVERYONE, period, values=values)  # no trend here: one query less
    return {
        "monitoring_cards": [Card(i, _sentence(i), None, []) for i in indicators],
        "monitoring_period": period,
        "monitoring_kept_at": kept.taken_at if kept else None,
    }


def _barrier_metrics() -> list[str]:
    from .selectors import BARRIERS

    return [n for b in BARRIERS for n in b.metrics]


# People shown on the home; the team pages list everyone, a page at a time.
TEAM_ON_HOME = 10


@dataclass
class TeamRow:
    """One person's learning this year on the manager's home."""

    employee: Employee
    began: int
    finished: int
    hours: HoursRow
    used: Decimal
    allocated: Decimal
    overdue: int


def team_rows(manager: Employee, *, limit: int = TEAM_ON_HOME) -> list[TeamRow]:
    """The first `limit` people of the team (direct reports first, then by name) with what they
    began and completed this year, their hours against the learning-time policy (the one hours
    selector, as on the team hours and learning-moments pages), budget used and overdue mandatory
    items: a handful of queries on `limit` ids, never on the whole team."""
    lines = (
        ReportingLine.objects.filter(manager_id=manager.pk, depth__gt=0, member__active=True)
        .select_related("member__department", "member__job_group")
        .order_by("depth", "member__last_name", "member__first_name", "member_id")[:limit]
    )
    people = [line.member for line in lines]
    if not people:
        return []
    ids = [p.pk for p in people]
    team = Audience.of(AudienceKind.TEAM, manager=manager)
    facts = fact_sums(team, Period.this_year(), ("began", "finished", "used", "allocated"), by="employee", only=ids)
    hours = {row.employee.pk: row for row in hours_overview(people)}
    overdue = dict(
        Employee.objects.filter(pk__in=ids)
        .annotate(n=mandatory_overdue_count(per_person=True))
        .values_list("pk", "n")
        .order_by()
    )
    zero = dict.fromkeys(("began", "finished", "used", "allocated"), Decimal(0))
    rows = []
    for person in people:
        mine = facts.get(person.pk, zero)
        rows.append(
            TeamRow(
                employee=person,
                began=int(mine["began"]),
                finished=int(mine["finished"]),
                hours=hours[person.pk],
                used=mine["used"],
                allocated=mine["allocated"],
                overdue=overdue.get(person.pk, 0),
            )
        )
    return rows


def manager_panel(request, roles) -> dict:
    """Each person's learning for the first few of the team. The team's uptake (its metrics summed
    over everyone in it) is a link to the team page: on the home it cost the top manager a sum
    over the whole organisation on every visit (issue 21)."""
    return {"team_rows": team_rows(roles.employee)}


def employee_panel(request, roles) -> dict:
    """My learning this year: trainings completed and budget used. The hours are not repeated here:
    the next-moment panel shows them from the policy's `hours_overview`, the one hours figure."""
    period = Period.this_year()
    facts = ("finished", "used", "allocated")
    mine = fact_sums(EVERYONE, period, facts, by="employee", only=[roles.employee.pk]).get(roles.employee.pk)
    if mine is None:
        return {"my_year": None}
    return {
        "my_year": {
            "year": timezone.localdate().year,
            "finished": int(mine["finished"]),
            "budget": figure_of(metric_registry.get("budget_utilisation"), mine["used"], mine["allocated"]),
            "used": mine["used"],
            "allocated": mine["allocated"],
        }
    }
