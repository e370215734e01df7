"""Reads shared by the moment pages, the feed, the reminders and the API."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Round
from django.utils import timezone

from catalog.selectors import completed_hours_per_window, completed_learning_hours, learning_items_lookup
from people.audience import (
    AUDIENCE_RELATED,
    AudienceKind,
    AudienceMatcher,
    audience_contains,
    audiences_containing,
    employees_in,
)
from people.models import DepartmentClosure, Employee

from .models import (
    Attendance,
    KeptHours,
    LearningMoment,
    LearningTimePolicy,
    MomentMute,
    OccurrenceOverride,
    PolicyPeriod,
)
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


def policy_choice(policies: list[LearningTimePolicy], value_of=None, output_field=None):
    """Each person's learning-time policy as one SQL expression over the employee's columns, the
    same choice `policy_for` makes: their job group's, else their nearest department's, else
    everyone's; its pk, or `value_of(policy)` (of type `output_field`). The nearest department
    policy is worked out per department in Python (one query on the closure table), so the
    statement compares ids, with no subquery per person. Portable to SQLite."""
    value_of = value_of or (lambda p: p.pk)
    output_field = output_field or IntegerField()
    by_job = [p for p in policies if p.audience_kind == AudienceKind.JOB_GROUP]
    by_department = {p.audience_department_id: p for p in policies if p.audience_kind == AudienceKind.DEPARTMENT}
    everyone = next((p for p in policies if p.audience_kind == AudienceKind.EVERYONE), None)
    nearest: dict[int, tuple[int, int]] = {}  # department -> (depth, policy)
    if by_department:
        links = DepartmentClosure.objects.filter(ancestor_id__in=list(by_department)).values_list(
            "descendant_id", "ancestor_id", "depth"
        )
        for descendant, ancestor, depth in links.order_by():
            pk = by_department[ancestor].pk
            if descendant not in nearest or (depth, -pk) < (nearest[descendant][0], -nearest[descendant][1]):
                nearest[descendant] = (depth, pk)
    departments_of: dict[int, list[int]] = {}
    for department, (_depth, pk) in nearest.items():
        departments_of.setdefault(pk, []).append(department)
    by_pk = {p.pk: p for p in policies}
    whens = [
        When(job_group_id=p.audience_job_group_id, then=Value(value_of(p), output_field=output_field))
        for p in sorted(by_job, key=lambda p: p.pk)
    ]
    whens += [
        When(department_id__in=sorted(ids), then=Value(value_of(by_pk[pk]), output_field=output_field))
        for pk, ids in sorted(departments_of.items())
    ]
    default = Value(value_of(everyone) if everyone else None, output_field=output_field)
    return Case(*whens, default=default, output_field=output_field) if whens else default


def hours_per_scope(*, today: date | None = None) -> list[dict]:
    """For L&D: per policy, the people it governs, their target and hours in total, and how many
    reached their target. One grouped statement: the active employees with their policy, period
    and target worked out in SQL, joined to their attendance and completed enrolments summed per
    employee for each of the three periods; plus two small queries for the policies and the
    department tree, whatever the organisation's size."""
    today = today or timezone.localdate()
    policies = list(LearningTimePolicy.objects.select_related(*AUDIENCE_RELATED))
    by_pk = {p.pk: p for p in policies}
    periods = list(PolicyPeriod.values)
    windows = {period: tuple(_aware(day) for day in period_bounds(period, today)) for period in periods}

    def per_policy(value_of, default, field):
        whens = [When(policy=p.pk, then=Value(value_of(p), output_field=field)) for p in policies]
        return Case(*whens, default=Value(default, output_field=field), output_field=field)

    people = (
        Employee.objects.filter(active=True)
        .order_by()
        .annotate(policy=policy_choice(policies))
        .annotate(
            period=per_policy(lambda p: periods.index(p.period), periods.index(PolicyPeriod.YEAR), IntegerField()),
            target=Round(per_policy(lambda p: p.hours_per_fte, None, _HOURS) * F("fte"), 1, output_field=_HOURS),
        )
        .values("id", "policy", "period", "target")
    )
    first, last = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    minutes = (
        Attendance.objects.filter(occurrence_start__gte=first, occurrence_start__lt=last)
        .order_by()
        .values("employee_id")
        .annotate(
            **{
                f"m{i}": Sum(
                    "minutes", filter=Q(occurrence_start__gte=windows[p][0], occurrence_start__lt=windows[p][1])
                )
                for i, p in enumerate(periods)
            }
        )
    )
    completed = completed_hours_per_window({f"h{i}": windows[p] for i, p in enumerate(periods)})
    parts = [q.query.sql_with_params() for q in (people, minutes, completed)]
    pick = " ".join(f"WHEN {i} THEN {{0}}.{{1}}{i}" for i in range(len(periods)))
    attended = f"CASE p.period {pick.format('a', 'm')} END"
    learned = f"CASE p.period {pick.format('c', 'h')} END"
    # minutes / 60.0: a decimal on PostgreSQL and a real on SQLite (whose NUMERIC would divide whole numbers whole)
    hours = f"ROUND(COALESCE({attended}, 0) / 60.0, 2) + COALESCE({learned}, 0)"
    # Only the querysets' own SQL and fixed text go into it; every value is a parameter.
    sql = (
        "SELECT x.policy, COUNT(*), SUM(x.target), SUM(x.hours),"  # noqa: S608
        " SUM(CASE WHEN x.target > 0 AND x.hours >= x.target THEN 1 ELSE 0 END)"
        f" FROM (SELECT p.policy AS policy, p.target AS target, {hours} AS hours"
        f" FROM ({parts[0][0]}) p LEFT JOIN ({parts[1][0]}) a ON a.employee_id = p.id"
        f" LEFT JOIN ({parts[2][0]}) c ON c.employee_id = p.id) x GROUP BY x.policy"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parts[0][1], *parts[1][1], *parts[2][1]])
        rows = cursor.fetchall()
    scopes = [
        {
            "policy": by_pk.get(policy),
            "people": people_count,
            "target": Decimal(str(target or 0)).quantize(Decimal("0.1")),
            "hours": Decimal(str(hours or 0)).quantize(Decimal("0.01")),
            "on_track": on_track or 0,
        }
        for policy, people_count, target, hours, on_track in rows
    ]
    return sorted(scopes, key=lambda e: (e["policy"] is None, str(e["policy"] or "")))


_HOURS = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class HoursKept:
    scopes: list[dict]  # as hours_per_scope gives them
    taken_at: datetime


def _version(policies) -> list[list]:
    return sorted([p.pk, p.updated_at.isoformat()] for p in policies)


def policies_version() -> list[list]:
    """Every learning-time policy's pk and last change: the kept hours per scope hold only while
    this is what they were worked out under (one query)."""
    return _version(LearningTimePolicy.objects.only("pk", "updated_at"))


def hours_per_scope_kept(*, today: date | None = None) -> HoursKept | None:
    """hours_per_scope as the frequent task kept it today (services.hours_keep_due), with the time
    it was worked out; None when it is not kept for today or a policy was saved or deleted since
    (two small queries: the row and the policies)."""
    today = today or timezone.localdate()
    kept = KeptHours.objects.filter(day=today).first()
    if kept is None:
        return None
    policies = list(LearningTimePolicy.objects.select_related(*AUDIENCE_RELATED))
    if kept.policies != _version(policies):
        return None
    by_pk = {p.pk: p for p in policies}
    scopes = [
        {
            "policy": by_pk.get(s["policy"]),
            "people": s["people"],
            "target": Decimal(s["target"]),
            "hours": Decimal(s["hours"]),
            "on_track": s["on_track"],
        }
        for s in kept.scopes
    ]
    return HoursKept(scopes, kept.taken_at)


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
