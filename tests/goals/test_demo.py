"""The demo holds step 1's story (issue 16): an approved goal for the pilot department that is on
track, one at risk (its owner and sponsor told once), one waiting for the demo manager's approval,
and one achieved last year whose baseline and final figure are the snapshots of those days."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comms.models import Delivery
from goals import demo
from goals.models import Goal, GoalTransition
from goals.selectors import goal_progress, goal_scope
from monitoring.demo import PILOT
from monitoring.models import MetricSnapshot

pytestmark = pytest.mark.django_db


def _snapshot(goal, day):
    kind, scope_id = goal_scope(goal.audience)
    return MetricSnapshot.objects.get(metric=goal.metric, scope_kind=kind, scope_id=scope_id, day=day).value


def test_the_demo_tells_the_goals_story_and_seeding_twice_adds_nothing(client):
    call_command("seed_demo")
    today = timezone.localdate()
    goals = {g.title: g for g in Goal.objects.select_related("audience_department", "sponsor", "owner")}
    assert set(goals) == {demo.PILOT_GOAL, demo.WAREHOUSE_GOAL, demo.WAITING_GOAL, demo.LAST_YEAR_GOAL}

    pilot = goals[demo.PILOT_GOAL]
    assert (pilot.status, pilot.audience_department.external_id, pilot.at_risk) == ("active", PILOT, False)
    assert pilot.baseline == _snapshot(pilot, pilot.baseline_on)
    progress = goal_progress(pilot)
    assert not progress.will_miss
    assert progress.current >= progress.points[-1].expected  # ahead of the straight path

    warehouse = goals[demo.WAREHOUSE_GOAL]
    assert (warehouse.status, warehouse.at_risk) == ("active", True)
    assert goal_progress(warehouse).will_miss
    told = set(Delivery.objects.filter(message__key__startswith="goals.at_risk").values_list("employee_id", flat=True))
    assert told == {warehouse.owner_id, warehouse.sponsor_id}

    waiting = goals[demo.WAITING_GOAL]
    assert waiting.status == "submitted"
    assert waiting.sponsor.user.username == "manager"
    client.force_login(waiting.sponsor.user)
    home = client.get(reverse("home"), headers={"accept-language": "en"}).content.decode()
    assert reverse("goals:detail", args=[waiting.pk]) in home  # in her inbox (in her own language)
    assert demo.WAITING_GOAL in home

    achieved = goals[demo.LAST_YEAR_GOAL]
    assert achieved.status == "achieved"
    assert achieved.deadline.year == today.year - 1
    assert achieved.baseline == _snapshot(achieved, achieved.baseline_on)
    assert achieved.final_value == _snapshot(achieved, achieved.deadline)
    assert achieved.baseline < achieved.target <= achieved.final_value
    assert achieved.transitions.last().to_status == "achieved"

    counts = (Goal.objects.count(), GoalTransition.objects.count(), Delivery.objects.count())
    call_command("seed_demo")
    assert (Goal.objects.count(), GoalTransition.objects.count(), Delivery.objects.count()) == counts
