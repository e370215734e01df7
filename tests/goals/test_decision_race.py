"""One decision per goal on PostgreSQL: a double click on approve, approve and reject at once (the
sponsor in two tabs), and a withdrawal while the approval runs end in one transition. The guard is
the conditional UPDATE on the status the step starts from; without it (the negative control) both
steps are written. (Two approvals of one goal are also refused by the unique key `goal_decided_once`,
so the control shows the race where only the condition holds it: two different decisions.)"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from goals.models import Goal, GoalTransition
from goals.services import flow, goal_approve, goal_reject, goal_withdraw
from tests.goals.helpers import submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DECIDED = ("approved", "rejected", "withdrawn")


@pytest.fixture
def goal(require_postgres, personas, monkeypatch):
    made = submitted(personas)
    slow = flow._may_decide

    def decide_slowly(*args, **kwargs):  # widen the window between reading the goal and claiming it
        slow(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(flow, "_may_decide", decide_slowly)
    return made


def _at_once(*actions) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(exc.code or "invalid")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == len(actions)
    return sorted(outcomes)


def _pairs(goal, personas):
    fresh = lambda: Goal.objects.get(pk=goal.pk)  # noqa: E731 - each tab reads the goal itself
    approve = lambda: goal_approve(goal=fresh(), by=personas.manager)  # noqa: E731
    reject = lambda: goal_reject(goal=fresh(), by=personas.manager, comment="Not now")  # noqa: E731
    withdraw = lambda: goal_withdraw(goal=fresh(), by=personas.hr)  # noqa: E731
    return {
        "double click": (approve, approve),
        "approve and reject": (approve, reject),
        "withdrawn": (approve, withdraw),
    }


def _decisions(goal) -> int:
    return GoalTransition.objects.filter(goal=goal, to_status__in=DECIDED).count()


@pytest.mark.parametrize("case", ["double click", "approve and reject", "withdrawn"])
def test_concurrent_steps_end_in_one_transition(goal, personas, case):
    outcomes = _at_once(*_pairs(goal, personas)[case])
    assert outcomes == ["done", "moved"]
    assert _decisions(goal) == 1
    assert Goal.objects.get(pk=goal.pk).status in ("active", "rejected", "withdrawn")


@pytest.mark.parametrize("case", ["approve and reject", "withdrawn"])
def test_negative_control_without_the_conditional_update_both_steps_are_written(goal, personas, case, monkeypatch):
    def claim_without_condition(goal, from_statuses, **changes):
        Goal.objects.filter(pk=goal.pk).update(**changes)
        return True

    monkeypatch.setattr(flow, "_claim", claim_without_condition)
    outcomes = _at_once(*_pairs(goal, personas)[case])
    assert outcomes == ["done", "done"]
    assert _decisions(goal) == 2
