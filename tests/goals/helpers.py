"""Goals made through the real services, and snapshot histories written as the nightly task would."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from goals.services import goal_approve, goal_create, goal_submit
from monitoring.models import MetricSnapshot, ScopeKind
from people.audience import Audience, AudienceKind


def service_audience(personas) -> Audience:
    return Audience.of(AudienceKind.DEPARTMENT, department=personas.employee.department)


def snapshots(metric: str, department, values: dict[date, Decimal | int]) -> None:
    """The department's snapshots of a metric on these days (value in the metric's unit)."""
    MetricSnapshot.objects.bulk_create(
        MetricSnapshot(
            metric=metric,
            scope_kind=ScopeKind.DEPARTMENT,
            scope_id=department.pk,
            day=day,
            value=Decimal(value),
            numerator=Decimal(value),
            denominator=Decimal(100),
        )
        for day, value in values.items()
    )


def draft(personas, **overrides):
    fields = {
        "owner": personas.hr,
        "title": "More of Customer Service learns",
        "why": "Customers notice when we know the new systems.",
        "audience": service_audience(personas),
        "metric": "participation",
        "target": Decimal("50"),
        "deadline": timezone.localdate() + timedelta(days=180),
        "sponsor": personas.manager,
    }
    fields.update(overrides)
    return goal_create(**fields)


def submitted(personas, **overrides):
    goal = draft(personas, **overrides)
    return goal_submit(goal=goal, by=goal.owner)


def active(personas, **overrides):
    goal = submitted(personas, **overrides)
    return goal_approve(goal=goal, by=goal.sponsor)
