"""A goal's checks, its warning, each transition and who may make it, the immutable log, the
notices, at risk once and the evaluation at the deadline (issue 16)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comms.models import Delivery
from goals.models import Goal, GoalStatus, GoalTransition
from goals.services import (
    GoalRefused,
    goal_approve,
    goal_evaluate,
    goal_reject,
    goal_risk_check,
    goal_submit,
    goal_update,
    goal_warnings,
    goal_withdraw,
    goals_tick,
    sponsor_mark,
)
from people.audience import Audience, AudienceKind
from tests.factories import DepartmentFactory
from tests.goals.helpers import active, draft, service_audience, snapshots, submitted

pytestmark = pytest.mark.django_db


def _told(prefix: str) -> set[int]:
    return set(Delivery.objects.filter(message__key__startswith=prefix).values_list("employee_id", flat=True))


def _steps(goal) -> list[tuple[str, str]]:
    return list(goal.transitions.order_by("at", "pk").values_list("from_status", "to_status"))


# --- the checks ---------------------------------------------------------------------------------


def test_a_draft_records_who_made_it(personas):
    goal = draft(personas)
    assert goal.status == GoalStatus.DRAFT
    assert goal.baseline is None
    step = goal.transitions.get()
    assert (step.from_status, step.to_status, step.by) == ("", "draft", personas.hr)


def test_a_manager_proposes_for_their_own_team(personas):
    goal = draft(personas, owner=personas.manager, sponsor=personas.outsider_manager)
    assert goal.owner == personas.manager


def test_a_manager_cannot_propose_for_another_team(personas):
    with pytest.raises(ValidationError) as exc:
        draft(personas, owner=personas.outsider_manager, sponsor=personas.manager)
    assert "own team" in exc.value.message_dict["audience"][0]


def test_nobody_sponsors_their_own_goal(personas):
    with pytest.raises(ValidationError) as exc:
        draft(personas, owner=personas.manager, sponsor=personas.manager)
    assert "sponsor" in exc.value.message_dict


def test_the_sponsor_is_a_manager_or_marked_as_sponsor(personas):
    with pytest.raises(ValidationError) as exc:
        draft(personas, sponsor=personas.employee)
    assert "no manager" in exc.value.message_dict["sponsor"][0]
    sponsor_mark(employee=personas.employee, by=personas.hr)
    assert draft(personas, sponsor=personas.employee).sponsor == personas.employee


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "in the future"), (-3, "in the future"), (2 * 366 + 1, "within two years")],
)
def test_the_deadline_is_in_the_future_and_within_two_years(personas, days, message):
    with pytest.raises(ValidationError) as exc:
        draft(personas, deadline=timezone.localdate() + timedelta(days=days))
    assert message in exc.value.message_dict["deadline"][0]


def test_the_audience_is_not_empty(personas):
    empty = DepartmentFactory(name="Nobody here", parent=personas.hr.department)
    with pytest.raises(ValidationError) as exc:
        draft(personas, audience=Audience.of(AudienceKind.DEPARTMENT, department=empty))
    assert exc.value.message_dict["audience"] == ["Nobody is in this audience."]


def test_only_audiences_with_snapshots_are_offered(personas):
    with pytest.raises(ValidationError) as exc:
        draft(personas, audience=Audience.of(AudienceKind.TEAM, manager=personas.manager))
    assert "audience" in exc.value.message_dict


def test_submitting_captures_the_live_baseline_and_asks_the_sponsor(personas):
    goal = submitted(personas)  # nobody in Customer Service took a training: participation 0 %
    assert (goal.status, goal.baseline, goal.baseline_on) == ("submitted", Decimal("0"), timezone.localdate())
    assert _steps(goal)[-1] == ("draft", "submitted")
    assert goal.transitions.last().figure == Decimal("0")
    assert _told("goals.submitted") == {personas.manager.pk}


def test_the_target_must_lie_beyond_the_baseline_in_the_metrics_direction(personas):
    goal = draft(personas, target=Decimal("0"))  # participation is 0 % now: 0 is no improvement
    with pytest.raises(ValidationError) as exc:
        goal_submit(goal=goal, by=goal.owner)
    assert "above the baseline" in exc.value.message_dict["target"][0]
    no_activity = draft(personas, metric="no_activity", target=Decimal("100"))  # lower is better, 100 % now
    with pytest.raises(ValidationError) as exc:
        goal_submit(goal=no_activity, by=no_activity.owner)
    assert "below the baseline" in exc.value.message_dict["target"][0]
    assert Goal.objects.filter(status="submitted").count() == 0


def test_no_baseline_without_a_figure(personas):
    goal = draft(personas, metric="completion_rate")  # nobody began a training: no figure at all
    with pytest.raises(ValidationError) as exc:
        goal_submit(goal=goal, by=goal.owner)
    assert "no figure yet" in exc.value.message_dict["metric"][0]


def test_the_warning_when_the_target_asks_for_faster_change_than_ever_shown(personas):
    today = timezone.localdate()
    department = personas.employee.department
    # two points a month at best: 10, 12, 14 % over the last three months
    snapshots("participation", department, {today - timedelta(days=90): 10, today - timedelta(days=60): 12})
    snapshots("participation", department, {today - timedelta(days=30): 14})
    kwargs = {"metric": "participation", "audience": service_audience(personas), "baseline": Decimal("14")}
    in_six_months = today + timedelta(days=183)
    steep = goal_warnings(target=Decimal("44"), deadline=in_six_months, today=today, **kwargs)  # 5 a month
    assert len(steep) == 1
    assert "fastest this audience ever changed" in steep[0]
    assert "2.0 percentage points" in steep[0]
    assert goal_warnings(target=Decimal("20"), deadline=in_six_months, today=today, **kwargs) == []  # 1 a month


def test_no_warning_without_history(personas):
    today = timezone.localdate()
    kwargs = {"metric": "participation", "audience": service_audience(personas), "baseline": Decimal("0")}
    assert goal_warnings(target=Decimal("90"), deadline=today + timedelta(days=40), today=today, **kwargs) == []


# --- the transitions and who may make them --------------------------------------------------------


def test_the_sponsor_approves_and_the_goal_is_active(personas):
    goal = active(personas)
    assert (goal.status, goal.started_on) == ("active", timezone.localdate())
    assert _steps(goal)[-2:] == [("submitted", "approved"), ("approved", "active")]
    assert goal.transitions.filter(to_status="approved").get().by == personas.manager
    # owner, sponsor and L&D staff are told of the decision
    assert _told("goals.decided") == {personas.hr.pk, personas.manager.pk}


@pytest.mark.parametrize("who", ["hr", "employee", "outsider_manager"])
def test_only_the_sponsor_decides(personas, who):
    goal = submitted(personas)
    with pytest.raises(GoalRefused) as exc:
        goal_approve(goal=goal, by=getattr(personas, who))
    assert exc.value.code == "not_sponsor"
    with pytest.raises(GoalRefused):
        goal_reject(goal=goal, by=getattr(personas, who), comment="No")
    assert Goal.objects.get(pk=goal.pk).status == "submitted"


def test_an_owner_cannot_approve_their_own_goal(personas):
    goal = submitted(personas, owner=personas.manager, sponsor=personas.outsider_manager)
    with pytest.raises(GoalRefused) as exc:
        goal_approve(goal=goal, by=personas.manager)
    assert exc.value.code == "not_sponsor"
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule too
        Goal.objects.filter(pk=goal.pk).update(sponsor=personas.manager)
    with pytest.raises(GoalRefused):
        goal_approve(goal=Goal.objects.get(pk=goal.pk), by=personas.manager)


def test_a_rejection_needs_a_comment(personas):
    goal = submitted(personas)
    with pytest.raises(ValidationError) as exc:
        goal_reject(goal=goal, by=personas.manager, comment="  ")
    assert "comment" in exc.value.message_dict
    goal = goal_reject(goal=goal, by=personas.manager, comment="Start with one team first")
    assert goal.status == "rejected"
    assert goal.transitions.get(to_status="rejected").comment == "Start with one team first"
    assert _told("goals.decided") == {personas.hr.pk, personas.manager.pk}


def test_a_decided_goal_cannot_be_decided_again(personas):
    goal = active(personas)
    with pytest.raises(GoalRefused) as exc:
        goal_reject(goal=goal, by=personas.manager, comment="Changed my mind")
    assert exc.value.code == "moved"
    with pytest.raises(GoalRefused):
        goal_approve(goal=goal, by=personas.manager)


def test_only_the_owner_edits_submits_and_withdraws(personas):
    goal = draft(personas)
    for action in (
        lambda: goal_update(goal=goal, by=personas.manager, title="Mine now"),
        lambda: goal_submit(goal=goal, by=personas.manager),
        lambda: goal_withdraw(goal=goal, by=personas.manager),
    ):
        with pytest.raises(GoalRefused) as exc:
            action()
        assert exc.value.code == "not_owner"
    assert goal_update(goal=goal, by=personas.hr, title="Sharper title").title == "Sharper title"


def test_only_a_draft_is_edited(personas):
    goal = submitted(personas)
    with pytest.raises(GoalRefused) as exc:
        goal_update(goal=goal, by=personas.hr, target=Decimal("60"))
    assert exc.value.code == "not_draft"


def test_the_owner_withdraws_an_active_goal_and_the_sponsor_hears_of_it(personas):
    goal = goal_withdraw(goal=active(personas), by=personas.hr, comment="The team was reorganised")
    assert goal.status == "withdrawn"
    assert _steps(goal)[-1] == ("active", "withdrawn")
    assert _told("goals.withdrawn") == {personas.manager.pk}
    with pytest.raises(GoalRefused):
        goal_withdraw(goal=goal, by=personas.hr)


def test_the_history_is_never_edited(personas):
    goal = submitted(personas)
    step = goal.transitions.last()
    step.comment = "rewritten"
    with pytest.raises(ValidationError):
        step.save()
    with pytest.raises(ValidationError):
        step.delete()
    if connection.vendor == "postgresql":  # the database refuses too, whatever writes it
        with pytest.raises(Exception, match="never edited"), transaction.atomic():
            GoalTransition.objects.filter(pk=step.pk).update(comment="rewritten")
    assert GoalTransition.objects.get(pk=step.pk).comment == ""


# --- progress: at risk once, and the evaluation at the deadline -------------------------------------


def _flat_history(personas, goal, value=0):
    """Snapshots after the baseline that do not move: the trend misses any target above them."""
    start = goal.baseline_on
    snapshots("participation", personas.employee.department, {start + timedelta(days=d): value for d in (10, 20, 30)})


def test_a_goal_whose_trend_misses_the_target_is_at_risk_and_told_once(personas):
    goal = active(personas)
    _flat_history(personas, goal)
    today = goal.baseline_on + timedelta(days=31)
    assert goal_risk_check(goal=goal, today=today) is True
    goal.refresh_from_db()
    assert goal.at_risk
    assert goal.risk_told_at is not None
    assert _told("goals.at_risk") == {personas.hr.pk, personas.manager.pk}
    told = Delivery.objects.filter(message__key__startswith="goals.at_risk").count()
    # the same night again, and the nights after: nobody is told a second time
    assert goal_risk_check(goal=goal, today=today) is False
    for later in (1, 2, 3):
        assert goal_risk_check(goal=goal, today=today + timedelta(days=later)) is False
    assert Delivery.objects.filter(message__key__startswith="goals.at_risk").count() == told
    assert Goal.objects.get(pk=goal.pk).at_risk


def test_a_goal_on_track_is_not_at_risk(personas):
    goal = active(personas)
    start = goal.baseline_on
    snapshots("participation", personas.employee.department, {start + timedelta(days=d): d // 3 for d in (10, 20, 30)})
    assert goal_risk_check(goal=goal, today=start + timedelta(days=31)) is False
    assert not Goal.objects.get(pk=goal.pk).at_risk
    assert _told("goals.at_risk") == set()


def test_at_the_deadline_the_goal_is_evaluated_once(personas):
    goal = active(personas, deadline=timezone.localdate() + timedelta(days=30))
    snapshots("participation", personas.employee.department, {goal.deadline: 55})
    after = goal.deadline + timedelta(days=1)
    assert goal_evaluate(goal_id=goal.pk, today=goal.deadline) == ""  # not before the day is over
    assert goal_evaluate(goal_id=goal.pk, today=after) == "achieved"
    assert goal_evaluate(goal_id=goal.pk, today=after) == ""
    assert goals_tick(today=after) == {"evaluated": 0, "told_at_risk": 0}
    goal.refresh_from_db()
    assert (goal.status, goal.final_value) == ("achieved", Decimal("55"))
    last = goal.transitions.last()
    assert (last.from_status, last.to_status, last.by, last.figure) == ("active", "achieved", None, Decimal("55"))
    assert _told("goals.outcome") == {personas.hr.pk, personas.manager.pk}
    assert goal.transitions.filter(to_status="achieved").count() == 1


def test_a_goal_short_of_its_target_is_missed(personas):
    goal = active(personas, deadline=timezone.localdate() + timedelta(days=30))
    snapshots("participation", personas.employee.department, {goal.deadline: 20})
    assert goals_tick(today=goal.deadline + timedelta(days=2))["evaluated"] == 1
    goal.refresh_from_db()
    assert (goal.status, goal.final_value) == ("missed", Decimal("20"))
