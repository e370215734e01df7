"""Demo data for surveys: a barrier scan closed two months ago whose answers differ between
departments (employees see less time and budget than their managers think), and an open
learning-needs survey the demo employee can answer. Idempotent: found by title, never duplicated."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from people.audience import EVERYONE
from people.models import Employee

from .models import Survey
from .services import barrier_scan_create, learning_needs_create, response_submit, survey_close, survey_open
from .services.answering import questions_for, side_of

SCAN_TITLE = "Barrier scan 2026: how do we learn here?"
NEEDS_TITLE = "What would you like to learn in 2027?"
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


@transaction.atomic
def demo_step():
    if not Employee.objects.exists():
        return
    now = timezone.now()
    _barrier_scan(now)
    _learning_needs(now)
