"""Programmes made through the real services, and snapshot histories as the nightly task writes them."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from adoption.services import cycle_start, programme_create
from monitoring.models import MetricSnapshot, ScopeKind
from people.audience import Audience, AudienceKind


def service(personas) -> Audience:
    return Audience.of(AudienceKind.DEPARTMENT, department=personas.employee.department)


def programme(personas, **overrides):
    fields = {
        "owner": personas.hr,
        "name": "Customer Service learns",
        "audience": service(personas),
        "sponsor": personas.outsider_manager,
    }
    fields.update(overrides)
    return programme_create(**fields)


def running(personas, *, days_ago: int = 30, length: int = 90, **overrides):
    """A programme whose first cycle started `days_ago` days ago."""
    p = programme(personas, **overrides)
    today = timezone.localdate()
    cycle_start(
        programme=p,
        starts_on=today - timedelta(days=days_ago),
        ends_on=today - timedelta(days=days_ago) + timedelta(days=length),
    )
    return p


def snap(metric: str, kind: str, scope_id: int, day: date, numerator, denominator) -> MetricSnapshot:
    """One snapshot as snapshots_take writes it (value = numerator / denominator in the metric's unit)."""
    from monitoring import metrics

    m = metrics.get(metric)
    num, den = Decimal(numerator), Decimal(denominator)
    value = (num / den * m.scale).quantize(Decimal("0.0001")) if den else None
    return MetricSnapshot.objects.create(
        metric=metric, scope_kind=kind, scope_id=scope_id, day=day, value=value, numerator=num, denominator=den
    )


ORG = (ScopeKind.ORGANISATION, 0)
