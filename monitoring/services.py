"""Monitoring's writes: the thresholds L&D staff set, and the snapshots."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import metrics as metric_registry
from .models import Threshold


def threshold_problems(metric_name: str, green: Decimal | None, amber: Decimal | None) -> dict[str, str]:
    """What is wrong with a threshold pair, per field; empty when sound. The one validation the page
    and the API use."""
    if metric_name not in metric_registry.REGISTRY:
        return {"metric": _("There is no such metric.")}
    metric = metric_registry.get(metric_name)
    problems = {}
    for name, value in (("green", green), ("amber", amber)):
        if value is None:
            problems[name] = _("Enter a number.")
        elif value < 0:
            problems[name] = _("A threshold cannot be negative.")
        elif metric.unit == metric_registry.Unit.PERCENT and value > 100:
            problems[name] = _("A percentage is at most 100.")
        elif metric.unit == metric_registry.Unit.SCORE and value > 5:
            problems[name] = _("A score is at most 5.")
    if problems:
        return problems
    if metric.higher_is_better and green < amber:
        problems["green"] = _("Higher is better here: green must start at or above amber.")
    if not metric.higher_is_better and green > amber:
        problems["green"] = _("Lower is better here: green must end at or below amber.")
    return problems


@transaction.atomic
def thresholds_set(*, values: dict[str, tuple[Decimal, Decimal]]) -> None:
    """Set the thresholds of these metrics ({name: (green, amber)}); all or nothing. A pair equal to
    the metric's default removes the row, so a later change of the default applies again."""
    errors = {}
    for name, (green, amber) in values.items():
        for field_name, message in threshold_problems(name, green, amber).items():
            errors[f"{name}-{field_name}"] = message
    if errors:
        raise ValidationError(errors)
    for name, (green, amber) in values.items():
        metric = metric_registry.get(name)
        if (green, amber) == (metric.green, metric.amber):
            Threshold.objects.filter(metric=name).delete()
        else:
            Threshold.objects.update_or_create(metric=name, defaults={"green": green, "amber": amber})
