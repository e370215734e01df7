"""Reads of the ambassador pages: L&D's overview of suggestions, nominations and appointments, a
department's page (its ambassadors, uptake as aggregates, the learning moments that reach it, the
needs inbox), and the forwarded needs L&D answers. Each runs a constant number of queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.utils import timezone

from monitoring.periods import Period
from monitoring.reports import readings
from monitoring.selectors import kept_figures, metric_values
from people.audience import Audience, AudienceKind, audience_condition
from people.models import Department, DepartmentClosure, Employee
from policy.recurrence import next_occurrence
from policy.selectors import moments_all

from .models import LIVE, Ambassadorship, AmbassadorStatus, Need, NeedGroup, Nomination, NominationStatus


def nominations_open():
    """Open nominations, grouped per nominee in the page (one query)."""
    return (
        Nomination.objects.filter(status=NominationStatus.OPEN, nominee__active=True)
        .select_related("nominee__department", "by")
        .order_by("nominee__last_name", "nominee__first_name", "created_at")
    )


def ambassadorships_live():
    """Invitations not yet answered and ambassadors now (one query)."""
    return (
        Ambassadorship.objects.filter(status__in=LIVE)
        .select_related("employee", "department", "invited_by")
        .order_by("department__name", "employee__last_name")
    )


def my_ambassadorships(employee: Employee):
    return list(
        Ambassadorship.objects.filter(employee=employee, status__in=LIVE).select_related("department", "invited_by")
    )


def department_ambassadors(department: Department) -> list[Ambassadorship]:
    return list(
        Ambassadorship.objects.filter(
            department=department, status=AmbassadorStatus.ACCEPTED, employee__active=True
        ).select_related("employee")
    )


def is_member(employee: Employee, department: Department) -> bool:
    """Whether the person works in the department or below it (one query)."""
    if employee is None or not employee.department_id:
        return False
    return DepartmentClosure.objects.filter(ancestor=department, descendant_id=employee.department_id).exists()


def department_uptake(department: Department, today=None) -> tuple[Period, list, datetime | None]:
    """Monitoring's metrics for the department and below, this year: aggregates only, from the
    figures the nightly task keeps when it has (then also when they were worked out), else live."""
    period = Period.this_year(today)
    audience = Audience.of(AudienceKind.DEPARTMENT, department=department)
    kept = kept_figures(audience, period, today=today)
    figures = metric_values(audience, period, today=today, kept=kept)
    return period, readings(figures), kept.taken_at if kept else None


@dataclass(frozen=True)
class UpcomingMoment:
    title: str
    start: datetime
    audience: str


def department_moments(department: Department, now: datetime | None = None) -> list[UpcomingMoment]:
    """The active learning moments whose audience reaches someone in the department (or below), with
    their next occurrence, soonest first: three queries however many moments and people."""
    now = now or timezone.now()
    moments = list(moments_all().filter(active=True))
    if not moments:
        return []
    members = Employee.objects.filter(active=True, department__ancestor_links__ancestor=department)
    reach = members.aggregate(**{f"m{m.pk}": Count("pk", filter=audience_condition(m.audience)) for m in moments})
    found = []
    for m in moments:
        if not reach[f"m{m.pk}"]:
            continue
        nxt = next_occurrence(m, now, overrides=list(m.overrides.all()))
        if nxt is not None:
            found.append(UpcomingMoment(m.title, nxt.start, m.audience_label))
    found.sort(key=lambda u: u.start)
    return found[:10]


def inbox(department: Department):
    """The department's needs not in a group yet, newest first (one query)."""
    return list(Need.objects.filter(department=department, group=None).order_by("-created_at")[:200])


def groups_of(department: Department):
    """The department's groups with their needs and the item they became (two queries)."""
    return list(
        NeedGroup.objects.filter(department=department)
        .select_related("item")
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("created_at")))
        .order_by("-created_at")[:100]
    )


def needs_of(employee: Employee):
    """What the person dropped, with what became of each (one query)."""
    return list(
        Need.objects.filter(author=employee).select_related("group__item", "department").order_by("-created_at")[:50]
    )


def groups_forwarded():
    """The groups ambassadors forwarded to L&D, open ones first (two queries)."""
    return list(
        NeedGroup.objects.exclude(forwarded_at=None)
        .select_related("department", "forwarded_by", "item")
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("created_at")))
        .order_by(
            Case(When(outcome=NeedGroup.Outcome.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-forwarded_at",
        )[:200]
    )
