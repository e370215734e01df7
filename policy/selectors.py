"""Reads shared by the moment pages, the feed, the reminders and the API."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Sum
from django.utils import timezone

from catalog.selectors import completed_learning_hours, learning_items_lookup
from people.audience import (
    AUDIENCE_RELATED,
    AudienceKind,
    AudienceMatcher,
    audience_contains,
    audiences_containing,
    employees_in,
)
from people.models import Employee

from .models import Attendance, LearningMoment, LearningTimePolicy, MomentMute, OccurrenceOverride, PolicyPeriod
from .recurrence import next_occurrence, occurrences


def reminder_recipient_ids(moment) -> list[int]:
    """Who gets a reminder now: the audience as it is at sending time, minus those who muted it."""
    muted = MomentMute.objects.filter(moment=moment).values("employee_id")
    return list(employees_in(moment.audience).exclude(pk__in=muted).order_by("pk").values_list("pk", flat=True))


def _with_overrides(qs):
    return qs.select_related("host", *AUDIENCE_RELATED).prefetch_related(
        Prefetch("overrides", queryset=OccurrenceOverride.objects.order_by("original_start"))
    )


def moments_for_employee(*, employee: Employee):
    """Active moments whose audience includes the employee (two queries with the overrides)."""
    return _with_overrides(audiences_containing(LearningMoment.objects.filter(active=True), employee))


def moment_in_scope(*, moment: LearningMoment, employee: Employee) -> bool:
    return audience_contains(moment.audience, employee)


def moments_all():
    return _with_overrides(LearningMoment.objects.all())


@dataclass
class MomentCard:
    moment: LearningMoment
    next: object  # Occurrence or None
    muted: bool


def my_moment_cards(*, employee: Employee, now: datetime | None = None) -> list[MomentCard]:
    now = now or timezone.now()
    moments = list(moments_for_employee(employee=employee))
    muted = set(MomentMute.objects.filter(employee=employee).values_list("moment_id", flat=True))
    cards = [MomentCard(m, next_occurrence(m, now, overrides=list(m.overrides.all())), m.pk in muted) for m in moments]
    cards.sort(key=lambda c: (c.next is None, c.next.start if c.next else now, c.moment.title))
    return cards


def next_learning_moment(employee: Employee, now: datetime | None = None):
    """The soonest upcoming occurrence for the employee, or None."""
    cards = [c for c in my_moment_cards(employee=employee, now=now) if c.next]
    return cards[0].next if cards else None


def upcoming_occurrences(
    moment: LearningMoment, *, now: datetime | None = None, days: int = 60, include_cancelled=False
):
    now = now or timezone.now()
    begin = now - timedelta(days=1)
    return occurrences(
        moment,
        begin,
        now + timedelta(days=days),
        overrides=list(moment.overrides.all()),
        include_cancelled=include_cancelled,
    )


# --- learning-time policy and hours -------------------------------------------------------------


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """[first day, first day of the next period) of the period that contains `today`."""
    if period == PolicyPeriod.MONTH:
        first = today.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
    elif period == PolicyPeriod.QUARTER:
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        nxt = (first + timedelta(days=95)).replace(day=1)
    else:
        first = today.replace(month=1, day=1)
        nxt = first.replace(year=first.year + 1)
    return first, nxt


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(UTC)


# For an employee the most specific learning-time policy counts: a job group's, else the nearest
# department's (fewest levels up), else everyone's.
SPECIFICITY = {AudienceKind.JOB_GROUP: 2, AudienceKind.DEPARTMENT: 1, AudienceKind.EVERYONE: 0}


def policy_for(employee, policies: list[LearningTimePolicy], matcher: AudienceMatcher) -> LearningTimePolicy | None:
    """The most specific of `policies` whose audience includes the employee (in memory)."""
    best, best_rank = None, None
    for policy in policies:
        audience = policy.audience
        if not matcher.contains(audience, employee, include_inactive=True):
            continue
        nearness = -(matcher.distance(audience, employee) or 0)
        rank = (SPECIFICITY.get(audience.kind, -1), nearness, -policy.pk)
        if best_rank is None or rank > best_rank:
            best, best_rank = policy, rank
    return best


def learning_hours(employee_ids, start: datetime, end: datetime) -> dict[int, Decimal]:
    """Hours per employee in [start, end): attended moments plus completed enrolments (when the
    catalog offers `completed_learning_hours`)."""
    ids = list(employee_ids)
    hours = {pk: Decimal("0") for pk in ids}
    rows = (
        Attendance.objects.filter(employee_id__in=ids, occurrence_start__gte=start, occurrence_start__lt=end)
        .values("employee_id")
        .annotate(minutes=Sum("minutes"))
    )
    for row in rows:
        hours[row["employee_id"]] += (Decimal(row["minutes"]) / 60).quantize(Decimal("0.01"))
    if ids:
        for pk, value in completed_learning_hours(ids, start, end).items():
            if pk in hours:
                hours[pk] += Decimal(value)
    return hours


@dataclass
class HoursRow:
    employee: Employee
    policy: LearningTimePolicy | None
    period_start: date | None
    period_end: date | None
    target: Decimal | None
    hours: Decimal

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return min(100, int(self.hours / self.target * 100))


def hours_overview(employees, *, today: date | None = None) -> list[HoursRow]:
    """Each employee's hours in their policy's current period against the target (constant queries)."""
    today = today or timezone.localdate()
    employees = list(employees)
    policies = list(LearningTimePolicy.objects.all())
    matcher = AudienceMatcher([p.audience for p in policies], employees)
    chosen = {e.pk: policy_for(e, policies, matcher) for e in employees}
    rows = []
    by_period: dict[tuple[date, date], list[int]] = {}
    for e in employees:
        period = chosen[e.pk].period if chosen[e.pk] else PolicyPeriod.YEAR
        by_period.setdefault(period_bounds(period, today), []).append(e.pk)
    hours: dict[int, Decimal] = {}
    for (first, nxt), ids in by_period.items():
        hours.update(learning_hours(ids, _aware(first), _aware(nxt)))
    for e in employees:
        policy = chosen[e.pk]
        first, nxt = period_bounds(policy.period if policy else PolicyPeriod.YEAR, today)
        target = (policy.hours_per_fte * e.fte).quantize(Decimal("0.1")) if policy else None
        rows.append(HoursRow(e, policy, first, nxt - timedelta(days=1), target, hours.get(e.pk, Decimal("0"))))
    return rows


def hours_per_scope(*, today: date | None = None) -> list[dict]:
    """For L&D: per policy, the people it governs, their target and hours in total."""
    today = today or timezone.localdate()
    employees = list(Employee.objects.filter(active=True).only("pk", "fte", "department_id", "job_group_id", "active"))
    rows = hours_overview(employees, today=today)
    totals: dict[int | None, dict] = {}
    policies = {p.pk: p for p in LearningTimePolicy.objects.select_related(*AUDIENCE_RELATED)}
    for row in rows:
        key = row.policy.pk if row.policy else None
        entry = totals.setdefault(
            key,
            {"policy": policies.get(key), "people": 0, "target": Decimal("0"), "hours": Decimal("0"), "on_track": 0},
        )
        entry["people"] += 1
        entry["target"] += row.target or Decimal("0")
        entry["hours"] += row.hours
        if row.target and row.hours >= row.target:
            entry["on_track"] += 1
    return sorted(totals.values(), key=lambda e: (e["policy"] is None, str(e["policy"] or "")))


@dataclass(frozen=True)
class SuggestedItem:
    pk: int
    title: str
    url: str  # the catalog page, site-relative


def suggested_items(moment: LearningMoment) -> list[SuggestedItem]:
    """The moment's suggested catalog items that are still active, in the order L&D chose them (one
    query, through the catalog's `learning_items_lookup`)."""
    ids = list(moment.suggested_item_ids or [])
    if not ids:
        return []
    found = learning_items_lookup(ids)
    return [SuggestedItem(pk, *found[pk]) for pk in ids if pk in found]
