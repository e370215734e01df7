"""Issue 16 with a real Celery worker on Redis, two real beats sending the goals tick every second,
and PostgreSQL: a goal past its deadline is evaluated exactly once (one outcome, one log entry, the
owner and sponsor told once), a retried evaluation task changes nothing, and a goal whose trend
misses its target is marked at risk and its owner and sponsor hear of it once, not every tick."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from comms.models import Delivery
from goals.models import Goal, GoalTransition
from tests.goals.helpers import active, snapshots
from tests.workers import BeatProcess, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _tells(prefix: str) -> list[tuple[int, str]]:
    return sorted(
        Delivery.objects.filter(message__key__startswith=prefix).values_list("employee_id", "channel").order_by()
    )


def _no_duplicates() -> bool:
    return not Delivery.objects.values("message_id", "employee_id", "channel").annotate(n=Count("pk")).filter(n__gt=1)


def test_two_beats_and_a_retried_task_evaluate_a_goal_once_and_tell_the_risk_once(
    require_postgres, transactional_db, personas, start_worker, redis_url, tmp_path
):
    today = timezone.localdate()
    department = personas.employee.department
    due = active(personas, title="Due", metric="catalog_reach", deadline=today + timedelta(days=30))
    Goal.objects.filter(pk=due.pk).update(deadline=today - timedelta(days=2))  # the deadline has passed
    snapshots("catalog_reach", department, {today - timedelta(days=2): 62})
    slipping = active(personas, title="Slipping", deadline=today + timedelta(days=60))
    Goal.objects.filter(pk=slipping.pk).update(baseline_on=today - timedelta(days=40))
    snapshots("participation", department, {today - timedelta(days=d): 0 for d in (30, 20, 10)})

    env = {"BEAT_FREQUENT_SECONDS": "1"}
    worker = start_worker(env)
    beats = [BeatProcess(redis_url=redis_url, log_path=tmp_path / f"beat{i}.log", extra_env=env) for i in (1, 2)]
    try:
        for beat in beats:
            beat.start()
        wait_for(lambda: Goal.objects.get(pk=due.pk).status == "achieved", timeout=120, message="the evaluation")
        wait_for(lambda: Goal.objects.get(pk=slipping.pk).at_risk, timeout=60, message="the risk read")
        wait_for(lambda: all(b.sent("goals-tick") >= 4 for b in beats), timeout=60, message="more ticks")
    finally:
        for beat in beats:
            beat.stop()
    # A retried evaluation (a redelivered message after a lost acknowledgement), twice at once.
    worker.send("goals.evaluate_task", due.pk)
    worker.send("goals.evaluate_task", due.pk)
    wait_for(
        lambda: worker.log().count("goals.evaluate_task") >= 4,  # received and succeeded, twice
        timeout=60,
        message="the retried tasks",
    )

    goal = Goal.objects.get(pk=due.pk)
    assert (goal.status, str(goal.final_value)) == ("achieved", "62.0000")
    assert GoalTransition.objects.filter(goal=goal, to_status__in=["achieved", "missed"]).count() == 1
    people = {personas.hr.pk, personas.manager.pk}
    outcome = _tells(f"goals.outcome:{goal.pk}:")
    assert {pk for pk, _channel in outcome} == people
    assert len(outcome) == len(set(outcome))
    risk = _tells(f"goals.at_risk:{slipping.pk}:")
    assert {pk for pk, _channel in risk} == people
    assert Goal.objects.get(pk=slipping.pk).status == "active"
    assert _no_duplicates()
