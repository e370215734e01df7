"""Goals' reads for the pages, the home panels and the API: who sees which goal, who may sponsor,
and a goal's progress from monitoring's nightly snapshots (the line of actual values against the
straight path from baseline to target, and where the trend is heading)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from monitoring import metrics as metric_registry
from monitoring.models import MetricSnapshot, ScopeKind
from monitoring.selectors import metric_series
from people.access import roles_of
from people.audience import AUDIENCE_RELATED, Audience, AudienceKind, audiences_containing, manages_someone
from people.models import Employee

from .models import Goal, GoalStatus, Sponsor

FOUR = Decimal("0.0001")
# Statuses an employee in the audience reads about on their home ("our goals").
SHARED = (GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.MISSED)
# Points of progress needed before a trend is read from them.
TREND_POINTS = 3


def goal_scope(audience: Audience) -> tuple[str, int]:
    """The snapshot scope that is this audience (goals only take audiences monitoring snapshots)."""
    if audience.kind == AudienceKind.DEPARTMENT:
        return ScopeKind.DEPARTMENT, audience.department_id
    if audience.kind == AudienceKind.JOB_GROUP:
        return ScopeKind.JOB_GROUP, audience.job_group_id
    return ScopeKind.ORGANISATION, 0


def _related(goals: QuerySet) -> QuerySet:
    return goals.select_related("owner", "sponsor", *AUDIENCE_RELATED)


def goals_visible_to(user) -> QuerySet[Goal]:
    """L&D staff and `reporting:read` clients: every goal. Anyone else: the goals they own or
    sponsor, and the active and finished goals of an audience they belong to."""
    roles = roles_of(user)
    goals = _related(Goal.objects.all())
    if roles.is_ld_staff or "reporting:read" in roles.scopes:
        return goals
    me = roles.employee
    if me is None:
        return goals.none()
    shared = audiences_containing(Goal.objects.filter(status__in=SHARED), me).values("pk")
    return goals.filter(Q(owner=me) | Q(sponsor=me) | Q(pk__in=shared))


def sponsor_candidates() -> QuerySet[Employee]:
    """Who may sponsor a goal: active managers and the people L&D staff marked as sponsors."""
    marked = Sponsor.objects.filter(employee=OuterRef("pk"))
    return Employee.objects.filter(active=True).filter(Q(manages_someone()) | Q(Exists(marked)))


def is_sponsor(employee: Employee) -> bool:
    return employee is not None and sponsor_candidates().filter(pk=employee.pk).exists()


def sponsor_inbox(employee: Employee) -> tuple[list[Goal], list[Goal]]:
    """What waits for this sponsor's decision, and the open goals they sponsor (two queries)."""
    mine = _related(Goal.objects.filter(sponsor=employee))
    waiting = list(mine.filter(status=GoalStatus.SUBMITTED).order_by("updated_at", "pk"))
    sponsored = list(mine.filter(status__in=(GoalStatus.APPROVED, GoalStatus.ACTIVE)).order_by("deadline", "pk"))
    return waiting, sponsored


def our_goals(employee: Employee) -> list[Goal]:
    """The active goals of the audiences this employee belongs to (one query)."""
    return list(_related(audiences_containing(Goal.objects.filter(status=GoalStatus.ACTIVE), employee)))


def latest_values(goals: list[Goal], *, today: date | None = None) -> dict[int, Decimal | None]:
    """Each goal's latest snapshot value up to today (one query for all of them)."""
    today = today or timezone.localdate()
    if not goals:
        return {}
    wanted = {(g.metric, *goal_scope(g.audience)) for g in goals}
    q = Q()
    for metric, kind, scope_id in wanted:
        q |= Q(metric=metric, scope_kind=kind, scope_id=scope_id)
    since = min((g.baseline_on or today) for g in goals) - timedelta(days=1)
    latest = {}
    rows = (
        MetricSnapshot.objects.filter(q, day__gte=since, day__lte=today)
        .order_by("metric", "scope_kind", "scope_id", "-day")
        .distinct("metric", "scope_kind", "scope_id")
        .values_list("metric", "scope_kind", "scope_id", "value")
        if _distinct_on()
        else MetricSnapshot.objects.filter(q, day__gte=since, day__lte=today)
        .order_by("day")
        .values_list("metric", "scope_kind", "scope_id", "value")
    )
    for metric, kind, scope_id, value in rows:
        latest[(metric, kind, scope_id)] = value  # oldest first on SQLite: the last one wins
    return {g.pk: latest.get((g.metric, *goal_scope(g.audience))) for g in goals}


def _distinct_on() -> bool:
    from django.db import connection

    return connection.features.can_distinct_on_fields


@dataclass(frozen=True)
class ProgressPoint:
    day: date
    actual: Decimal | None
    expected: Decimal  # on the straight path from baseline to target


@dataclass(frozen=True)
class Progress:
    points: list[ProgressPoint]
    current: Decimal | None
    projected: Decimal | None  # where the trend arrives at the deadline; None without a trend
    will_miss: bool

    @property
    def has_points(self) -> bool:
        return any(p.actual is not None for p in self.points)


def expected_on(goal: Goal, day: date) -> Decimal:
    """The straight path from the baseline (on the day it was taken) to the target at the deadline."""
    start = goal.baseline_on
    span = (goal.deadline - start).days or 1
    done = min(max((day - start).days, 0), span)
    return (goal.baseline + (goal.target - goal.baseline) * Decimal(done) / Decimal(span)).quantize(FOUR)


def reaches(goal: Goal, value: Decimal | None) -> bool:
    """Whether a figure meets the target in the metric's direction."""
    if value is None:
        return False
    if metric_registry.get(goal.metric).higher_is_better:
        return value >= goal.target
    return value <= goal.target


def projection(goal: Goal, actual: list[tuple[date, Decimal]]) -> Decimal | None:
    """The least-squares line through the values since the baseline, read at the deadline."""
    if len(actual) < TREND_POINTS:
        return None
    xs = [Decimal((d - goal.baseline_on).days) for d, _v in actual]
    ys = [v for _d, v in actual]
    n = Decimal(len(xs))
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    at = Decimal((goal.deadline - goal.baseline_on).days)
    value = max(my + slope * (at - mx), Decimal(0))  # no figure goes below nothing, no share above all
    if metric_registry.get(goal.metric).unit == metric_registry.Unit.PERCENT:
        value = min(value, Decimal(100))
    return value.quantize(FOUR)


def goal_progress(goal: Goal, *, today: date | None = None) -> Progress:
    """The snapshots of the goal's metric and audience from the baseline day to today (one query),
    each beside the value the straight path asks for that day."""
    today = min(today or timezone.localdate(), goal.deadline)
    if goal.baseline_on is None or goal.baseline is None:
        return Progress([], None, None, False)
    kind, scope_id = goal_scope(goal.audience)
    series = metric_series(goal.metric, kind, scope_id, goal.baseline_on, today)
    points = [ProgressPoint(goal.baseline_on, goal.baseline, goal.baseline)]
    points += [ProgressPoint(d, f.value, expected_on(goal, d)) for d, f in series if d > goal.baseline_on]
    actual = [(p.day, p.actual) for p in points if p.actual is not None]
    current = actual[-1][1] if actual else None
    projected = projection(goal, actual)
    return Progress(points, current, projected, projected is not None and not reaches(goal, projected))


# --- the surveys beside the form ------------------------------------------------------------------

KEY_RESULTS = 4  # lines per survey


@dataclass(frozen=True)
class SurveyKeyResults:
    survey: object
    respondents: int | None  # None: too few to show anything
    lines: list[str]


def survey_key_results(survey) -> SurveyKeyResults:
    """A survey's key results for the whole organisation, within its anonymity rules: a barrier
    scan's gap per barrier, a learning-needs survey's most answered choices and means."""
    from django.utils.translation import gettext as _

    from people.formatting import figure as fmt
    from people.formatting import percent
    from surveys.anonymity import EVERYONE
    from surveys.models import Barrier, Kind, QuestionKind
    from surveys.ports import barrier_scores
    from surveys.selectors import survey_figures

    figures = survey_figures(survey)
    shown = figures.figures(EVERYONE)
    if shown is None:
        return SurveyKeyResults(survey, None, [])
    lines = []
    if survey.kind == Kind.BARRIER_SCAN:
        labels = dict(Barrier.choices)
        for score in barrier_scores(figures, EVERYONE):
            if score.gap is not None:
                lines.append(
                    _("%(barrier)s: employees %(employees)s, managers %(managers)s (out of 5)")
                    % {
                        "barrier": labels.get(score.barrier, score.barrier),
                        "employees": fmt(score.employees, 1),
                        "managers": fmt(score.managers, 1),
                    }
                )
    else:
        for q in figures.questions:
            if q.pk in shown.hidden_questions:
                continue
            f = shown.questions[q.pk]
            if not f.answers:
                continue
            if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                label, _n, share = max(f.distribution(), key=lambda row: row[1])
                lines.append(
                    _("%(question)s: most chose “%(choice)s” (%(share)s)")
                    % {"question": q.display_text, "choice": label, "share": percent(share)}
                )
            elif f.mean is not None:
                lines.append(
                    _("%(question)s: on average %(mean)s") % {"question": q.display_text, "mean": fmt(f.mean, 1)}
                )
    return SurveyKeyResults(survey, shown.respondents, lines[:KEY_RESULTS])
