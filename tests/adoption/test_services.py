"""Programmes, cycles, reviews, actions and extend through the services (issue 20)."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from adoption.models import Action, Cycle, CycleFigure, Programme
from adoption.selectors import open_actions
from adoption.services import (
    action_done,
    actions_remind_due,
    cycle_start,
    programme_extend,
    programme_update,
    review_hold,
)
from ops.models import OutboxTask
from people.audience import Audience, AudienceKind
from tests.adoption.helpers import programme, running

pytestmark = pytest.mark.django_db


def _finance(personas) -> Audience:
    return Audience.of(AudienceKind.DEPARTMENT, department=personas.other_employee.department)


def test_a_programme_is_for_one_department_or_job_group_and_its_sponsor_is_management(personas):
    with pytest.raises(ValidationError) as exc:
        programme(personas, audience=Audience(AudienceKind.EVERYONE))
    assert "audience" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        programme(personas, sponsor=personas.employee)
    assert exc.value.message_dict["sponsor"] == ["Zoë de Vries is neither a manager nor marked as a sponsor."]
    with pytest.raises(ValidationError) as exc:
        programme(personas, sponsor=personas.hr)
    assert "sponsor" in exc.value.message_dict


def test_the_pilot_is_fixed_once_a_cycle_has_started(personas):
    p = running(personas)
    with pytest.raises(ValidationError) as exc:
        programme_update(programme=p, name=p.name, audience=_finance(personas), sponsor=p.sponsor)
    assert "extend the programme" in exc.value.message_dict["audience"][0]


def test_cycles_follow_each_other_and_start_no_later_than_today(personas):
    p = programme(personas)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        cycle_start(programme=p, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=90))
    assert "starts_on" in exc.value.message_dict
    first = cycle_start(programme=p, starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=5))
    assert first.number == 1
    # the fact-based barrier metrics, both groups (the evaluation score, like the perception gap, comes from surveys)
    assert CycleFigure.objects.filter(cycle=first).count() == 2 * 10
    with pytest.raises(ValidationError):
        cycle_start(programme=p, starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=80))
    second = cycle_start(programme=p, starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=85))
    assert second.number == 2


def test_open_actions_carry_into_the_next_cycle_until_done(personas):
    today = timezone.localdate()
    p = running(personas, days_ago=100, length=90)
    review = review_hold(
        cycle=p.cycles.get(number=1),
        by=personas.hr,
        worked="Lunch talks",
        did_not_work="Posters",
        decisions="Talks every month",
        actions=[
            {"text": "Ask the agents", "owner": personas.manager, "due_on": today + timedelta(days=10)},
            {"text": "Book the room", "owner": personas.team_lead, "due_on": today + timedelta(days=20)},
        ],
    )
    ask, _book = review.actions.order_by("pk")
    second = cycle_start(programme=p, starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=85))
    assert [a.text for a in open_actions(p, before=second.number)] == ["Ask the agents", "Book the room"]
    assert action_done(action=ask)
    assert not action_done(action=ask)  # once
    assert [a.text for a in open_actions(p, before=second.number)] == ["Book the room"]
    assert open_actions(p, before=1) == []  # the first cycle's own actions are not carried into it


def test_a_review_is_held_once_and_its_actions_need_an_owner_and_a_date(personas):
    p = running(personas)
    cycle = p.cycles.get()
    with pytest.raises(ValidationError) as exc:
        review_hold(
            cycle=cycle, by=personas.hr, worked="x", did_not_work="y", actions=[{"text": "Do it", "owner": None}]
        )
    assert exc.value.message_dict["action-0"] == ["Give the action an owner."]
    review_hold(cycle=cycle, by=personas.hr, worked="x", did_not_work="y")
    with pytest.raises(ValidationError):
        review_hold(cycle=cycle, by=personas.hr, worked="x", did_not_work="y")


def test_owners_are_claimed_once_for_their_reminder(personas):
    today = timezone.localdate()
    p = running(personas, days_ago=100, length=90)
    review = review_hold(
        cycle=p.cycles.get(),
        by=personas.hr,
        worked="x",
        did_not_work="y",
        actions=[{"text": "Ask", "owner": personas.manager, "due_on": today + timedelta(days=3)}],
    )
    assert actions_remind_due(today=today) == 0  # not due yet
    assert actions_remind_due(today=today + timedelta(days=3)) == 1
    assert actions_remind_due(today=today + timedelta(days=4)) == 0  # claimed already
    assert OutboxTask.objects.filter(task="adoption.action_remind_task").count() == 1
    assert Action.objects.get(review=review).reminded_at is not None


def test_extend_copies_the_setup_for_the_next_department_and_leaves_the_history(personas):
    from comms.services.plans import plan_message_save, plan_save
    from goals.models import GoalStatus
    from policy.services import moment_create
    from surveys.models import Status as SurveyStatus
    from tests.goals.helpers import active
    from tests.surveys.helpers import survey_with_all_kinds

    goal = active(personas)
    plan = plan_save(name="Why we learn")
    plan_message_save(plan=plan, subject="Learning time", body="Tuesdays", channels=["email"], reason="Because")
    moment = moment_create(
        title="Learning half hour",
        audience=Audience.of(AudienceKind.DEPARTMENT, department=personas.employee.department),
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=date(2026, 1, 6),
        start_time=time(9),
        timezone="Europe/Amsterdam",
        duration_minutes=30,
    )
    survey = survey_with_all_kinds(kind="learning_needs", title="What we want to learn")
    p = running(personas, days_ago=100, length=90, comms_plan=plan, goals=[goal], moments=[moment], surveys=[survey])
    review_hold(cycle=p.cycles.get(), by=personas.hr, worked="Lunch talks", did_not_work="Posters")

    new = programme_extend(
        programme=p,
        by=personas.hr,
        name="Finance learns",
        audience=_finance(personas),
        sponsor=personas.outsider_manager,
    )
    assert new.extended_from == p
    assert new.audience == _finance(personas)
    assert not new.cycles.exists()  # cycles, figures and reviews stay with the original
    [copy] = new.goals.all()
    assert copy.pk != goal.pk
    assert (copy.status, copy.baseline, copy.baseline_on) == (
        GoalStatus.DRAFT,
        None,
        None,
    )  # a new baseline at submission
    assert (copy.title, copy.metric, copy.target, copy.audience) == (
        goal.title,
        goal.metric,
        goal.target,
        _finance(personas),
    )
    assert copy.sponsor == personas.outsider_manager
    [m] = new.moments.all()
    assert (m.title, m.rrule, m.audience) == (moment.title, moment.rrule, _finance(personas))
    assert m.pk != moment.pk
    [s] = new.surveys.all()
    assert (s.title, s.status, s.audience) == (survey.title, SurveyStatus.DRAFT, _finance(personas))
    assert s.questions.count() == survey.questions.count() > 0
    assert new.comms_plan.pk != plan.pk
    [message] = new.comms_plan.messages.all()
    assert (message.subject, message.reason, message.audience) == ("Learning time", "Because", _finance(personas))
    # The original keeps its own.
    assert list(p.goals.all()) == [goal]
    assert p.comms_plan == plan
    assert Programme.objects.count() == 2
    assert Cycle.objects.filter(programme=p).count() == 1
