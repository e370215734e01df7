"""Engagement's ambassador demo: the data's suggestions invited and accepted in several
departments (the demo employee's department among them, so their home names whom to ask), one
invitation waiting for an answer, colleagues' nominations, and a needs inbox with needs still
loose, one group forwarded to L&D and one that became a catalog item. Runs once."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import LearningItem
from people.models import Employee

from .models import Ambassadorship, AmbassadorStatus
from .selectors import ambassador_suggestions
from .services import (
    ambassador_accept,
    ambassador_invite,
    group_decide,
    group_forward,
    need_drop,
    need_group,
    nomination_create,
)

NEEDS = [
    "Handling angry callers without taking it home",
    "Short videos on the new ticket system",
    "De-escalation practice with a colleague",
    "How to write a clear answer by e-mail",
    "Excel for the weekly figures",
]


def _history() -> None:
    """The appointments have a history: the first ambassador (the demo employee's department)
    started seven months ago, each next one two months later; the open invitation is four days
    old. Demo data only: the services date what happens now."""
    now = timezone.now()
    accepted = Ambassadorship.objects.filter(status=AmbassadorStatus.ACCEPTED).order_by("pk")
    for n, row in enumerate(accepted):
        answered = now - timedelta(days=210 - 60 * n)
        Ambassadorship.objects.filter(pk=row.pk).update(invited_at=answered - timedelta(days=3), answered_at=answered)
    Ambassadorship.objects.filter(status=AmbassadorStatus.INVITED).update(invited_at=now - timedelta(days=4))


def demo_step() -> None:
    hr = Employee.objects.filter(user__username="hr").first()
    demo = Employee.objects.filter(user__username="employee").select_related("department").first()
    manager = Employee.objects.filter(user__username="manager").first()
    if hr is None or demo is None or demo.department_id is None or Ambassadorship.objects.exists():
        return
    logins = {hr.pk, demo.pk, manager.pk if manager else None}
    # The demo employee's department: a colleague of theirs, so the demo's home names someone.
    colleagues = Employee.objects.filter(active=True, department_id=demo.department_id).exclude(pk__in=logins)
    local = colleagues.order_by("pk").first()
    taken = set()
    if local is not None:
        ambassador_accept(ambassadorship=ambassador_invite(employee=local, by=hr), employee=local)
        taken.add(local.pk)
    picks = [s for s in ambassador_suggestions() if s.employee_id and s.employee_id not in logins | taken]
    for s in picks[:3]:
        person = Employee.objects.get(pk=s.employee_id)
        if person.department_id == demo.department_id:
            continue
        ambassador_accept(ambassadorship=ambassador_invite(employee=person, by=hr), employee=person)
        taken.add(person.pk)
    waiting = (
        Employee.objects.filter(active=True, department__isnull=False)
        .exclude(pk__in=logins | taken)
        .exclude(department_id=demo.department_id)
        .order_by("-pk")
        .first()
    )
    if waiting is not None:
        ambassador_invite(employee=waiting, by=hr)
    _history()
    if manager is not None:
        nomination_create(nominee=demo, by=manager, reason="Explains every new tool to the team, patiently.")
    other = colleagues.exclude(pk__in=taken).order_by("-pk").first()
    if other is not None:
        nomination_create(nominee=demo, by=other, reason="Always shares what she learned in a course.")
    if local is None:
        return
    authors = [demo, *colleagues.exclude(pk=local.pk).order_by("pk")[:4]]
    needs = [need_drop(author=authors[i % len(authors)], text=text) for i, text in enumerate(NEEDS)]
    calls = need_group(
        department=demo.department, title="Difficult calls", need_ids=[needs[0].pk, needs[2].pk], by=local
    )
    group_forward(group=calls, by=local)
    item = LearningItem.objects.order_by("pk").first()
    if item is not None:
        group_decide(group=calls, by=hr, outcome="catalog", item=item)
    writing = need_group(department=demo.department, title="Writing to customers", need_ids=[needs[3].pk], by=local)
    group_forward(group=writing, by=local)
