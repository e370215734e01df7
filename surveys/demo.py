"""Demo data for surveys: a barrier scan closed two months ago whose answers differ between
departments (employees see less time and budget than their managers think), last year's
learning-needs survey (closed; the catalog's "asked for vs offered" reads it), this year's open
one the demo employee can answer, and the evaluations of the trainings completed
in the demo (answered when they were completed; the rounds whose quarter is over are closed, so
their items show a rating in the catalog). Idempotent: found by title or kind, never duplicated."""

import random
from contextlib import suppress
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.audience import EVERYONE
from people.models import Employee
from people.registry import COMPLETIONS_SINCE, registry

from .models import Invitation, Kind, Response, Status, Survey
from .services import (
    barrier_scan_create,
    evaluation_invite,
    learning_needs_create,
    response_submit,
    survey_close,
    survey_open,
    surveys_close_due,
)
from .services.answering import questions_for, side_of

SCAN_TITLE = "Barrier scan 2026: how do we learn here?"
NEEDS_TITLE = "What would you like to learn in 2027?"
PAST_NEEDS_TITLE = "What would you like to learn in 2026?"
# What people wrote under "which topics or skills" last year (the catalog's "asked for vs offered"
# counts the skills named in it).
WISHES = [
    "Data literacy, I want to read our dashboards myself",
    "Planning and Excel",
    "Leadership: I will lead a team next year",
    "Customer contact, difficult calls",
    "Wellbeing and stress at work",
    "AI tools for my daily work",
    "Presenting to a group",
    "Software development basics",
    "Sales and negotiating",
    "",
]
RESPONSE_SHARE = 0.7


def _scan_answers(rng, questions, department_id: int, side: str) -> dict:
    # Departments differ: some feel the time and budget squeeze more than others, and employees
    # always less positive than their managers believe.
    mood = (department_id % 5) * 0.3 - 0.6
    optimism = 0.9 if side == "managers" else 0.0
    data = {}
    for q in questions:
        if q.kind == "likert":
            centre = 2.8 + mood + optimism - (0.6 if q.barrier in (1, 4) and side == "employees" else 0)
            data[str(q.pk)] = str(min(5, max(1, round(rng.gauss(centre, 0.9)))))
    return data


def _barrier_scan(now) -> None:
    if Survey.objects.filter(title=SCAN_TITLE).exists():
        return
    rng = random.Random(2026)
    opened = now - timedelta(days=80)
    scan = barrier_scan_create(
        audience=EVERYONE, closes_at=now - timedelta(days=60), title=SCAN_TITLE, breakdown_department_depth=1
    )
    scan = survey_open(survey=scan, now=opened)
    invitations = scan.invitations.select_related("employee").order_by("pk")
    for invitation in invitations:
        if rng.random() > RESPONSE_SHARE:
            continue
        employee = invitation.employee
        side = side_of(employee)
        data = _scan_answers(rng, questions_for(scan, side=side), employee.department_id or 0, side)
        response_submit(token=invitation.token, employee=employee, data=data, now=opened + timedelta(days=3))
    scan = survey_close(survey=scan, now=now - timedelta(days=60))
    scan.publication_note = (
        "Employees find less time to learn than their managers think. From January every team gets a fixed "
        "learning hour each week, and every payslip shows the learning budget left."
    )
    scan.published_at = now - timedelta(days=55)
    scan.save(update_fields=["publication_note", "published_at"])


def _learning_needs(now) -> None:
    if Survey.objects.filter(title=NEEDS_TITLE).exists():
        return
    survey = learning_needs_create(
        audience=EVERYONE,
        closes_at=now + timedelta(days=21),
        title=NEEDS_TITLE,
        title_nl="Wat wil jij leren in 2027?",
        anonymous=False,
        breakdown_department_depth=1,
        breakdown_job_group=True,
    )
    survey_open(survey=survey, now=now)


EVALUATION_SHARE = 0.85  # of those who completed a training, this many evaluate it
FOLLOW_UP_SHARE = 0.6


def _evaluation_answers(rng, survey, centre: float, *, follow_up: bool) -> dict:
    data = {}
    for q in survey.questions.filter(follow_up=follow_up):
        if q.kind == "likert":
            data[str(q.pk)] = str(min(5, max(1, round(rng.gauss(centre, 0.8)))))
        elif q.kind == "nps":
            data[str(q.pk)] = str(min(10, max(0, round(rng.gauss(centre * 2, 1.5)))))
    return data


def _evaluate(rng, invitation, centre: float, at) -> None:
    data = _evaluation_answers(rng, invitation.survey, centre, follow_up=invitation.follow_up)
    with suppress(ValidationError):  # the round closed before this person would have answered
        response_submit(token=invitation.token, employee=invitation.employee, data=data, now=at)


def _evaluations(now) -> None:
    """Each training completed in the last year is evaluated as it is live: the invitation (made on
    the day of the completion, or already made by the completion's own event), most answer within a
    day, some answer the follow-up. Rounds whose quarter is over are closed, and so is a round that
    already holds its minimum group, so the item shows a rating; the others stay open (the demo
    employee's own, just completed, among them). Each item has its own level of satisfaction."""
    if Response.objects.filter(survey__kind=Kind.EVALUATION).exists():
        return
    rng = random.Random(15)
    centres = {}
    for done in registry.use(COMPLETIONS_SINCE)(now - timedelta(days=365)):
        evaluation_invite(
            employee_id=done.employee_id, item_id=done.item_id, item_title=done.item_title, now=done.completed_at
        )
        if done.completed_at > now - timedelta(days=1) or rng.random() > EVALUATION_SHARE:
            continue
        centre = centres.setdefault(done.item_id, rng.uniform(3.2, 4.6))
        invitations = Invitation.objects.filter(
            employee_id=done.employee_id, survey__kind=Kind.EVALUATION, survey__item_id=done.item_id, answered=False
        ).select_related("survey", "employee")
        for invitation in invitations:
            at = done.completed_at + timedelta(hours=20)
            if invitation.follow_up:
                if invitation.follow_up_due > now.date() or rng.random() > FOLLOW_UP_SHARE:
                    continue
                at, centre = done.completed_at + timedelta(days=invitation.survey.follow_up_days), centre - 0.3
            # Invited by the completion's own event (made today): answered since.
            at = min(max(at, invitation.survey.opened_at + timedelta(minutes=1)), now)
            _evaluate(rng, invitation, centre, at)
    surveys_close_due(now=now)
    for survey in Survey.objects.filter(kind=Kind.EVALUATION, status=Status.OPEN):
        if Response.objects.filter(survey=survey, follow_up=False).count() >= survey.min_group_ratings:
            survey_close(survey=survey, now=now)


def _past_learning_needs(now) -> None:
    """Last year's anonymous learning-needs survey, closed: what "asked for vs offered" compares."""
    if Survey.objects.filter(title=PAST_NEEDS_TITLE).exists():
        return
    rng = random.Random(2025)
    opened = now - timedelta(days=340)
    survey = learning_needs_create(
        audience=EVERYONE,
        closes_at=now - timedelta(days=320),
        title=PAST_NEEDS_TITLE,
        title_nl="Wat wil jij leren in 2026?",
        breakdown_department_depth=1,
    )
    survey = survey_open(survey=survey, now=opened)
    questions = {q.key: q for q in survey.questions.all()}
    formats, moments = questions["formats"], questions["moment"]
    popular = [4, 5, 6, 8, 3, 1]  # coaching, micro-learning, video, peer learning, webinar, e-learning
    for invitation in survey.invitations.select_related("employee").order_by("pk"):
        if rng.random() > 0.6:
            continue
        chosen = sorted(
            {rng.choice(popular) for _ in range(rng.randint(1, 3))} & set(range(1, len(formats.choices) + 1))
        )
        data = {
            str(formats.pk): [str(c) for c in chosen],
            str(questions["hours"].pk): str(rng.choice([2, 4, 4, 6, 8])),
            str(moments.pk): str(rng.randint(1, len(moments.choices))),
            str(questions["topics"].pk): rng.choice(WISHES),
        }
        response_submit(token=invitation.token, employee=invitation.employee, data=data, now=opened + timedelta(days=2))
    survey_close(survey=survey, now=now - timedelta(days=320))


@transaction.atomic
def demo_step():
    if not Employee.objects.exists():
        return
    now = timezone.now()
    _barrier_scan(now)
    _past_learning_needs(now)
    _learning_needs(now)
    _evaluations(now)
