"""Each of the six steps turns from open to done through the other apps' real services (issue 20),
and an open step links to the page that fixes it."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.checklist import checklists
from adoption.models import Programme
from adoption.selectors import _related, current_cycle
from adoption.services import cycle_start, programme_update, review_hold
from people.audience import EVERYONE, Audience, AudienceKind
from people.registry import AMBASSADOR_IDS, registry
from tests.adoption.helpers import running, service

pytestmark = pytest.mark.django_db


def steps(p) -> dict:
    p = _related(Programme.objects.filter(pk=p.pk)).get()
    found = checklists([p], {p.pk: current_cycle(p)}, today=timezone.localdate())[p.pk]
    return {s.number: s for s in found}


def test_step_1_needs_an_approved_goal_for_the_audience_informed_by_a_survey_of_it(personas):
    from surveys.services import survey_close
    from tests.goals.helpers import active, draft
    from tests.surveys.helpers import open_and_answer, survey_with_all_kinds

    p = running(personas)
    step = steps(p)[1]
    assert not step.done
    assert ("Propose a goal", "/goals/new/") in step.fixes

    draft(personas)  # a draft is no goal yet
    assert not steps(p)[1].done

    finance = Audience.of(AudienceKind.DEPARTMENT, department=personas.other_employee.department)
    elsewhere = survey_with_all_kinds(audience=finance, kind="learning_needs", title="Finance only")
    elsewhere = survey_close(survey=open_and_answer(elsewhere, [personas.other_employee, personas.outsider_manager]))
    goal = active(personas, surveys=[elsewhere])
    step = steps(p)[1]
    assert not step.done, "a survey of another department does not inform this audience's goal"
    assert step.lines == ["The approved goal is not informed by a survey of this audience."]

    ours = survey_with_all_kinds(audience=service(personas), kind="learning_needs", title="Ours")
    people = [personas.employee, personas.manager, personas.team_lead, personas.indirect_report]
    ours = survey_close(survey=open_and_answer(ours, people))
    active(personas, title="Informed", surveys=[ours])
    step = steps(p)[1]
    assert step.done
    assert goal.pk  # the first goal stays, uninformed; one informed goal is enough


def test_step_2_needs_a_sponsor_and_an_ambassador_in_the_audience(personas, monkeypatch):
    p = running(personas, sponsor=None)
    monkeypatch.delitem(registry.providers, AMBASSADOR_IDS.name)  # as without the engagement module
    step = steps(p)[2]
    assert not step.done
    assert "No sponsor in management yet." in step.lines
    assert "Ambassadors are not recorded yet (the engagement module is not installed)." in step.lines

    programme_update(programme=p, name=p.name, audience=p.audience, sponsor=personas.outsider_manager)
    monkeypatch.setitem(registry.providers, AMBASSADOR_IDS.name, lambda: {personas.other_employee.pk})
    step = steps(p)[2]
    assert not step.done
    assert step.lines == ["No ambassador in the audience yet."], "an ambassador in Finance is not in the pilot"

    monkeypatch.setitem(registry.providers, AMBASSADOR_IDS.name, lambda: {personas.employee.pk})
    step = steps(p)[2]
    assert step.done
    assert step.lines == ["A sponsor and 1 ambassador."]


def test_step_2_turns_done_when_someone_in_the_audience_accepts_to_be_ambassador(personas):
    """Through engagement's real services and its real provider of the port."""
    from engagement.services import ambassador_accept, ambassador_invite

    p = running(personas)
    step = steps(p)[2]
    assert not step.done
    assert step.lines == ["No ambassador in the audience yet."]
    invitation = ambassador_invite(employee=personas.employee, by=personas.hr)
    assert not steps(p)[2].done, "an invitation is not yet consent"
    ambassador_accept(ambassadorship=invitation, employee=personas.employee)
    step = steps(p)[2]
    assert step.done
    assert step.lines == ["A sponsor and 1 ambassador."]


def test_step_3_needs_an_offer_without_gaps_for_the_audience(personas):
    from catalog.services import item_create, job_group_skills_set

    p = running(personas)
    assert steps(p)[3].done  # no job group needs a skill yet: nobody is in a gap
    job_group_skills_set(job_group=personas.employee.job_group, skills=["Customer contact"])
    step = steps(p)[3]
    assert not step.done
    assert step.lines == [
        "2 people in the audience find nothing at their level for the skills their job needs."
    ]  # the employee and the indirect report are agents
    assert step.fixes == [("Close the gaps in the offer", reverse("catalog:diversity"))]
    levels = ["basic", "secondary", "bachelor", "master"]
    item_create(
        title="Listening well",
        format="elearning",
        levels=levels,
        duration_hours=Decimal(2),
        skills=["Customer contact"],
    )
    assert steps(p)[3].done


def test_step_4_needs_a_learning_time_policy_and_a_recurring_moment_that_reach_everyone(personas):
    from policy.services import moment_create, policy_create

    p = running(personas)
    step = steps(p)[4]
    assert not step.done
    assert step.lines == [
        "4 people in the audience have no learning-time policy.",
        "4 people in the audience have no recurring learning moment.",
    ]
    policy_create(audience=service(personas), hours_per_fte=Decimal(24), period="year")
    moment = moment_create(
        title="Learning half hour",
        audience=Audience.of(AudienceKind.JOB_GROUP, job_group=personas.employee.job_group),
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=date(2026, 1, 6),
        start_time=time(9),
        timezone="Europe/Amsterdam",
        duration_minutes=30,
    )
    step = steps(p)[4]
    assert step.lines == ["2 people in the audience have no recurring learning moment."]  # only the agents
    from policy.services import moment_update

    moment_update(moment=moment, audience=EVERYONE)
    assert steps(p)[4].done


def test_step_5_needs_a_plan_whose_messages_reach_the_audience_and_answer_the_five_ws(personas):
    from comms.services.plans import plan_activate, plan_message_save, plan_save

    p = running(personas)
    step = steps(p)[5]
    assert not step.done
    assert step.lines == ["No communication plan for this programme yet."]
    plan = plan_save(name="Why we learn")
    programme_update(programme=p, name=p.name, audience=p.audience, sponsor=p.sponsor, comms_plan=plan)
    message = plan_message_save(plan=plan, subject="Learning time", body="Every Tuesday.", channels=["email"])
    step = steps(p)[5]
    assert "1 message does not answer all five W's." in step.lines
    assert step.fixes == [("Open the plan", reverse("comms:plan_detail", args=[plan.pk]))]
    finance = Audience.of(AudienceKind.DEPARTMENT, department=personas.other_employee.department)
    message = plan_message_save(
        plan=plan,
        message=message,
        audience=finance,
        reason="Learning makes the work lighter.",
        when="at",
        send_at=timezone.now() + timedelta(days=3),
    )
    plan_activate(plan=plan)
    step = steps(p)[5]
    assert step.lines == ["4 people in the audience are reached by none of its messages."]
    plan_message_save(plan=plan, message=message, audience=service(personas))
    plan_activate(plan=plan)
    assert steps(p)[5].done


def test_step_6_needs_the_previous_cycle_reviewed_from_the_second_cycle_on(personas):
    p = running(personas, days_ago=120, length=90)
    first = steps(p)[6]
    assert first.done
    assert not first.applies
    today = timezone.localdate()
    cycle_start(programme=p, starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=70))
    step = steps(p)[6]
    assert not step.done
    assert step.fixes[0][1].endswith("?cycle=1")
    review_hold(cycle=p.cycles.get(number=1), by=personas.hr, worked="Lunch talks", did_not_work="Posters")
    assert steps(p)[6].done


def test_the_checklist_of_many_programmes_takes_the_same_queries_as_of_one(personas, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n):
        Programme.objects.all().delete()
        for i in range(n):
            running(personas, name=f"P{i}")
        ps = list(_related(Programme.objects.all()))
        with CaptureQueriesContext(connection) as ctx:
            checklists(ps, {x.pk: current_cycle(x) for x in ps}, today=timezone.localdate())
        return len(ctx.captured_queries)

    assert count(1) == count(5)
