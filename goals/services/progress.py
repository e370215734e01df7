"""What beat does for goals each tick: once a day per active goal, read the trend and mark the goal at
risk (telling its owner and sponsor once, never again); after the deadline, evaluate the goal
exactly once: the final figure, the outcome, the log entry and the notice, claimed by a
conditional UPDATE so a second beat or a retried task finds nothing to do."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from monitoring.models import MetricSnapshot

from ..models import Goal, GoalStatus, GoalTransition
from ..selectors import goal_progress, goal_scope, reaches
from . import notices
from .checks import live_figure, show


def goal_risk_check(*, goal: Goal, today: date | None = None) -> bool:
    """Read the trend of an active goal once a day; True when this call told owner and sponsor."""
    today = today or timezone.localdate()
    claimed = (
        Goal.objects.filter(pk=goal.pk, status=GoalStatus.ACTIVE)
        .filter(Q(risk_checked_on__isnull=True) | Q(risk_checked_on__lt=today))
        .update(risk_checked_on=today)
    )
    if not claimed:
        return False
    goal.refresh_from_db()
    progress = goal_progress(goal, today=today)
    Goal.objects.filter(pk=goal.pk).update(at_risk=progress.will_miss)
    if not progress.will_miss:
        return False
    with transaction.atomic():
        if not Goal.objects.filter(pk=goal.pk, risk_told_at__isnull=True).update(risk_told_at=timezone.now()):
            return False  # told before: once, not every night
        notices.risk_notify(
            goal,
            current=show(goal.metric, progress.current),
            projected=show(goal.metric, progress.projected),
            target=show(goal.metric, goal.target),
        )
    return True


def final_figure(goal: Goal):
    """The figure on the deadline: that night's snapshot, else the metric computed for that day."""
    kind, scope_id = goal_scope(goal.audience)
    snapshot = (
        MetricSnapshot.objects.filter(metric=goal.metric, scope_kind=kind, scope_id=scope_id, day=goal.deadline)
        .values_list("value", flat=True)
        .first()
    )
    return snapshot if snapshot is not None else live_figure(goal.metric, goal.audience, goal.deadline)


@transaction.atomic
def goal_evaluate(*, goal_id: int, today: date | None = None) -> str:
    """Achieved or missed, once the deadline has passed. Returns the outcome, or "" when there was
    nothing to do (not due, or evaluated already by another run)."""
    today = today or timezone.localdate()
    goal = Goal.objects.select_related("owner", "sponsor").filter(pk=goal_id).first()
    if goal is None or goal.status != GoalStatus.ACTIVE or goal.deadline >= today:
        return ""
    value = final_figure(goal)
    outcome = GoalStatus.ACHIEVED if reaches(goal, value) else GoalStatus.MISSED
    claimed = Goal.objects.filter(pk=goal.pk, status=GoalStatus.ACTIVE).update(
        status=outcome, final_value=value, evaluated_at=timezone.now()
    )
    if not claimed:
        return ""
    goal.refresh_from_db()
    GoalTransition.objects.create(goal=goal, from_status=GoalStatus.ACTIVE, to_status=outcome, by=None, figure=value)
    notices.outcome_notify(goal, final=show(goal.metric, value), target=show(goal.metric, goal.target))
    return outcome


def goals_tick(*, today: date | None = None) -> dict[str, int]:
    """Beat's entry: evaluate the goals whose deadline has passed, and read the trend of the others
    not yet read today. A handful of queries when nothing is due."""
    today = today or timezone.localdate()
    due = list(
        Goal.objects.filter(status=GoalStatus.ACTIVE, deadline__lt=today).order_by("pk").values_list("pk", flat=True)
    )
    evaluated = sum(1 for pk in due if goal_evaluate(goal_id=pk, today=today))
    unread = (
        Goal.objects.filter(status=GoalStatus.ACTIVE, deadline__gte=today)
        .filter(Q(risk_checked_on__isnull=True) | Q(risk_checked_on__lt=today))
        .select_related("owner", "sponsor")
    )
    told = sum(1 for goal in unread if goal_risk_check(goal=goal, today=today))
    return {"evaluated": evaluated, "told_at_risk": told}
