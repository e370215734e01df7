"""Goals' demo step: four goals that tell step 1's story on monitoring's demo history.

- The pilot (Customer Service): more of its people learn; approved seven months ago by the head of
  the department, and on track (its participation rises month by month).
- Warehouse Venlo: the same ambition, approved five months ago, but the figure does not move, so
  the trend misses the target: it is at risk and its owner and sponsor were told once.
- Customer Service looking at the offer: submitted today by L&D staff, waiting for the demo
  manager's approval (her home page shows it in her inbox).
- Last year's goal, achieved: the department whose figure rose most between 30 June and 31 December
  of last year, with those two nights' snapshots taken from the history, so baseline and final
  figure are what the snapshots say.

Each goal's baseline is the snapshot of the day it was submitted, as a submission on that day would
have captured it. Idempotent: a goal whose title exists is left alone."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from monitoring.demo import PILOT
from monitoring.models import MetricSnapshot, ScopeKind
from monitoring.reports import month_ends
from monitoring.services import snapshots_take
from people.audience import Audience, AudienceKind
from people.models import Department, Employee

from .models import Goal, GoalStatus, GoalTransition
from .selectors import reaches
from .services import goal_create, goal_risk_check, goal_submit

PILOT_GOAL = "Most of Customer Service learns something new this year"
WAREHOUSE_GOAL = "Warehouse Venlo takes up learning"
WAITING_GOAL = "Customer Service knows what is on offer"
LAST_YEAR_GOAL = "More learning in the second half of last year"
WAREHOUSE = "D11"
# Last year's candidates: (department key, metric); the one whose figure rose most is the story.
LAST_YEAR_CANDIDATES = [("D21", "participation"), (PILOT, "message_reach"), (PILOT, "moment_attendance")]
LAST_YEAR_CANDIDATES += [("D40", "participation"), ("D30", "participation"), ("D50", "participation")]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _head(key: str) -> Employee | None:
    """The department's head: its management member (the person its team leads report to)."""
    return (
        Employee.objects.filter(active=True, department__external_id=key, job_group__external_id="JG-MT")
        .order_by("pk")
        .first()
    )


def _snapshot(metric: str, department: Department, day: date) -> Decimal | None:
    return (
        MetricSnapshot.objects.filter(metric=metric, scope_kind=ScopeKind.DEPARTMENT, scope_id=department.pk, day=day)
        .values_list("value", flat=True)
        .first()
    )


def _story(*, title, why, department, metric, target, baseline_on, deadline, owner, sponsor, end=None):
    """A goal submitted on `baseline_on` (its baseline that night's snapshot), approved two days
    later; with `end`, evaluated the day after its deadline as beat would have done."""
    baseline = _snapshot(metric, department, baseline_on)
    goal = Goal(
        title=title,
        why=why,
        metric=metric,
        target=target,
        deadline=deadline,
        owner=owner,
        sponsor=sponsor,
        baseline=baseline,
        baseline_on=baseline_on,
        started_on=baseline_on + timedelta(days=2),
        status=GoalStatus.ACTIVE,
    )
    goal.audience = Audience.of(AudienceKind.DEPARTMENT, department=department)
    goal.save()
    steps = [
        ("", GoalStatus.DRAFT, owner, baseline_on - timedelta(days=6), "", None),
        (GoalStatus.DRAFT, GoalStatus.SUBMITTED, owner, baseline_on, "", baseline),
        (GoalStatus.SUBMITTED, GoalStatus.APPROVED, sponsor, baseline_on + timedelta(days=2), "Good start.", None),
        (GoalStatus.APPROVED, GoalStatus.ACTIVE, sponsor, baseline_on + timedelta(days=2), "", None),
    ]
    if end is not None:
        final = _snapshot(metric, department, deadline)
        outcome = GoalStatus.ACHIEVED if reaches(goal, final) else GoalStatus.MISSED
        steps.append((GoalStatus.ACTIVE, outcome, None, deadline + timedelta(days=1), "", final))
        Goal.objects.filter(pk=goal.pk).update(
            status=outcome, final_value=final, evaluated_at=_at(deadline + timedelta(days=1), 2)
        )
    for i, (was, to, by, day, comment, figure) in enumerate(steps):
        GoalTransition.objects.create(
            goal=goal, from_status=was, to_status=to, by=by, at=_at(day, 9 + i), comment=comment, figure=figure
        )
    goal.refresh_from_db()
    return goal


def _last_year(today: date, owner: Employee, departments: dict) -> None:
    start, end = date(today.year - 1, 6, 30), date(today.year - 1, 12, 31)
    for day in (start, end):
        snapshots_take(day=day)  # from the history the apps hold: consistent by construction
    best = None
    for key, metric in LAST_YEAR_CANDIDATES:
        department = departments.get(key)
        if department is None:
            continue
        before, after = _snapshot(metric, department, start), _snapshot(metric, department, end)
        if before is not None and after is not None and (best is None or after - before > best[0]):
            best = (after - before, department, metric, before, after)
    if best is None or best[0] <= 1:
        return
    _rise, department, metric, before, after = best
    target = (before + (after - before) * Decimal("0.8")).quantize(Decimal("1"))
    target = max(target, before.quantize(Decimal("1")) + 1)
    _story(
        title=LAST_YEAR_GOAL,
        why="Learning is part of the job here: we wanted more colleagues to take a training by the end of the year.",
        department=department,
        metric=metric,
        target=min(target, after),
        baseline_on=start,
        deadline=end,
        owner=owner,
        sponsor=_head(department.external_id) or _head("D1"),
        end=True,
    )


@transaction.atomic
def demo_step() -> None:
    today = timezone.localdate()
    departments = {d.external_id: d for d in Department.objects.exclude(external_id="")}
    owner = Employee.objects.filter(user__username="hr").first()
    demo_manager = Employee.objects.filter(user__username="manager").first()
    pilot, warehouse = departments.get(PILOT), departments.get(WAREHOUSE)
    if owner is None or demo_manager is None or pilot is None or warehouse is None:
        return
    ends = month_ends(today)
    titles = set(Goal.objects.values_list("title", flat=True))
    if PILOT_GOAL not in titles and _snapshot("participation", pilot, ends[4]) is not None:
        goal = _story(
            title=PILOT_GOAL,
            why="Customers notice when we know the new systems and products: every colleague learns something new.",
            department=pilot,
            metric="participation",
            target=Decimal(90),
            baseline_on=ends[4],
            deadline=today + timedelta(days=120),
            owner=owner,
            sponsor=_head(PILOT) or demo_manager.manager,
        )
        goal_risk_check(goal=goal, today=today)
    if WAREHOUSE_GOAL not in titles and _snapshot("participation", warehouse, ends[6]) is not None:
        goal = _story(
            title=WAREHOUSE_GOAL,
            why="Safe, efficient work in the warehouse needs up-to-date skills: one in three of us learns each year.",
            department=warehouse,
            metric="participation",
            target=Decimal(35),
            baseline_on=ends[6],
            deadline=today + timedelta(days=150),
            owner=owner,
            sponsor=_head(WAREHOUSE) or _head("D10"),
        )
        goal_risk_check(goal=goal, today=today)  # the trend is flat: at risk, told once
    if WAITING_GOAL not in titles:
        goal = goal_create(
            owner=owner,
            title=WAITING_GOAL,
            why="Colleagues who know the offer find the training that helps them: half of us look at it.",
            audience=Audience.of(AudienceKind.DEPARTMENT, department=pilot),
            metric="catalog_reach",
            target=Decimal(50),
            deadline=today + timedelta(days=180),
            sponsor=demo_manager,
        )
        goal_submit(goal=goal, by=owner, today=today)
    if LAST_YEAR_GOAL not in titles:
        _last_year(today, owner, departments)
