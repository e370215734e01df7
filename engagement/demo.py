"""Engagement's demo step: a year of activity replayed from what the demo organisation really did
(completed trainings, learning moments attended), through the same ledger service the live events
use, so the rules (cap, repeats) apply; about half of the people chose to be named on boards, the
demo employee among them, so a board shows names and "a colleague" side by side; L&D thanked the
most active person of last quarter with a badge. Idempotent: a replayed event is recorded once."""

from datetime import timedelta

from django.utils import timezone

from catalog.models import Enrolment, Status
from people.models import Employee
from policy.models import Attendance

from .models import ActivityKind, Participant, Reward
from .selectors import Quarter, most_active
from .services import activity_record, participant_named_set, reward_give


def demo_step() -> None:
    since = timezone.now() - timedelta(days=365)
    completed = (
        Enrolment.objects.filter(status=Status.COMPLETED, completed_at__gte=since, item__isnull=False)
        .select_related("item")
        .order_by("completed_at", "pk")
    )
    for e in completed.iterator(chunk_size=500):
        activity_record(
            employee_id=e.employee_id,
            kind=ActivityKind.COMPLETED,
            source=f"enrolment:{e.pk}",
            subject=f"item:{e.item_id}",
            label=e.item.title,
            at=e.completed_at,
        )
    attended = (
        Attendance.objects.filter(occurrence_start__gte=since)
        .select_related("moment")
        .order_by("occurrence_start", "pk")
    )
    for a in attended.iterator(chunk_size=500):
        activity_record(
            employee_id=a.employee_id,
            kind=ActivityKind.ATTENDED,
            source=f"attendance:{a.moment_id}:{a.occurrence_start.isoformat()}",
            subject=f"moment:{a.moment_id}",
            label=a.moment.title,
            at=a.occurrence_start,
        )
    if not Participant.objects.filter(named=True).exists():
        for employee in Employee.objects.filter(active=True).order_by("pk")[::2]:
            participant_named_set(employee=employee, named=True)
        demo = Employee.objects.filter(user__username="employee").first()
        if demo is not None:
            participant_named_set(employee=demo, named=True)
    hr = Employee.objects.filter(user__username="hr").select_related("user").first()
    if hr is not None and not Reward.objects.exists():
        last_quarter = Quarter.of(timezone.localdate()).previous()
        top = next((r for r in most_active(quarter=last_quarter) if r["employee_id"] != hr.pk), None)
        if top is not None:
            reward_give(
                employee=Employee.objects.get(pk=top["employee_id"]),
                by=hr.user,
                message="Thank you for all you learned last quarter: you show colleagues how it helps the work.",
                badge=f"Most active {last_quarter.key}",
                quarter=last_quarter,
            )
