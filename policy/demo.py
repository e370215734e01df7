"""Demo data: a weekly moment per department, a monthly organisation-wide one, a policy, and some
attendance. Idempotent: keyed by title, so running it again creates nothing twice."""

from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from people.audience import Audience, AudienceKind
from people.models import Department, Employee

from .models import Attendance, LearningMoment, LearningTimePolicy
from .recurrence import occurrences

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


@transaction.atomic
def seed_moments() -> None:
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday() + 28)  # a Monday four weeks ago: some history to attend
    root = Department.objects.filter(parent__isnull=True).order_by("pk").first()
    host = Employee.objects.filter(active=True, job_group__external_id="JG-HR").order_by("pk").first()
    LearningMoment.objects.get_or_create(
        title="Learning lunch: what we learned this month",
        defaults={
            "description": "Once a month everyone shares one thing they learned. Lunch is on us.",
            "rrule": "FREQ=MONTHLY;BYDAY=1TU",
            "starts_on": start,
            "start_time": time(12, 0),
            "duration_minutes": 60,
            "location": "Canteen, Venlo",
            "online_url": "https://meet.example.test/learning-lunch",
            "host": host,
            "reminder_offsets": [1440, 15],
            "suggested_content": "Micro-learning of the month: giving feedback in five minutes",
        },
    )
    for i, department in enumerate(Department.objects.exclude(pk=getattr(root, "pk", None)).order_by("name")):
        LearningMoment.objects.get_or_create(
            title=f"Learning half hour: {department.name}",
            defaults={
                "description": "Half an hour a week to work on your own learning goal, together.",
                "audience": Audience.of(AudienceKind.DEPARTMENT, department=department),
                "rrule": f"FREQ=WEEKLY;BYDAY={WEEKDAYS[i % 5]}",
                "starts_on": start,
                "start_time": time(15, 0) if i % 2 else time(9, 0),
                "duration_minutes": 30,
                "location": f"{department.name} meeting room",
                "reminder_offsets": [1440, 15],
            },
        )
    manager = Employee.objects.filter(user__username="manager").first()
    if manager is not None:  # a moment for one manager's whole team, wherever its members sit
        LearningMoment.objects.get_or_create(
            title="Team learning: what we try next",
            defaults={
                "description": "Every other Thursday the team picks one thing from the catalog to try together.",
                "audience": Audience.of(AudienceKind.TEAM, manager=manager),
                "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
                "starts_on": start,
                "start_time": time(16, 0),
                "duration_minutes": 30,
                "location": "Customer Service, room 2",
                "host": manager,
                "reminder_offsets": [1440, 15],
            },
        )
    LearningTimePolicy.objects.get_or_create(
        audience_kind=AudienceKind.EVERYONE, defaults={"hours_per_fte": Decimal("40"), "period": "year"}
    )
    now = timezone.now()
    # its own weekly moments only (monitoring's demo adds a monthly one with a history of its own)
    weekly = LearningMoment.objects.filter(
        audience_kind=AudienceKind.DEPARTMENT, title__startswith="Learning half hour: "
    )
    for moment in weekly.order_by("pk"):
        past = [o for o in occurrences(moment, now - timedelta(days=28), now) if o.end <= now]
        people = list(
            Employee.objects.filter(active=True, department_id=moment.audience_department_id).order_by("pk")[:40]
        )
        rows = [
            Attendance(moment=moment, occurrence_start=o.original_start, employee=p, minutes=moment.duration_minutes)
            for n, o in enumerate(past)
            for k, p in enumerate(people)
            if (k + n) % 3 != 0  # about two in three came
        ]
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def history_moment(*, title: str, department, starts_on, attendance) -> int:
    """Demo history for monitoring's demo step: a monthly learning moment for a department from
    `starts_on` (found by title), with past attendance written in bulk; `attendance` maps an
    occurrence's index (0 = the first) to the employee ids who came. Nothing when it has some."""
    moment, _created = LearningMoment.objects.get_or_create(
        title=title,
        defaults={
            "description": "Once a month the team tries one thing from the catalog together.",
            "audience": Audience.of(AudienceKind.DEPARTMENT, department=department),
            "rrule": "FREQ=MONTHLY;BYDAY=2WE",
            "starts_on": starts_on,
            "start_time": time(14, 0),
            "duration_minutes": 60,
            "location": f"{department.name} meeting room",
            "reminder_offsets": [1440],
        },
    )
    if moment.attendances.exists():
        return 0
    now = timezone.now()
    past = [o for o in occurrences(moment, now - timedelta(days=400), now) if o.end <= now]
    rows = [
        Attendance(moment=moment, occurrence_start=o.original_start, employee_id=pk, minutes=moment.duration_minutes)
        for i, o in enumerate(past)
        for pk in attendance(i)
    ]
    return len(Attendance.objects.bulk_create(rows, ignore_conflicts=True))
