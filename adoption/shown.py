"""The barrier figures as people read them: each number in its unit and language, the changes with
their sign, and the effect's sentence."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from goals.services.checks import show as _show
from goals.services.checks import show_change
from monitoring import metrics as metric_registry
from monitoring.selectors import Light


def _rounded(metric_name: str, value: Decimal | None) -> Decimal | None:
    """Rounded half up to the places shown (the formatter cuts the digits it does not show)."""
    if value is None:
        return None
    places = Decimal("0.01") if metric_registry.get(metric_name).unit == metric_registry.Unit.SCORE else Decimal("0.1")
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def show(metric_name: str, value: Decimal | None) -> str:
    return _show(metric_name, _rounded(metric_name, value))


def signed(metric_name: str, value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = show_change(metric_name, _rounded(metric_name, abs(value)))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def light_label(light: str) -> str:
    return {Light.GREEN: _("green"), Light.AMBER: _("amber"), Light.RED: _("red"), Light.NONE: _("no data")}[light]


def verdict_label(verdict: str) -> str:
    return {
        "better": _("Better than the comparison group"),
        "worse": _("Worse than the comparison group"),
        "same": _("No difference with the comparison group"),
        "mixed": _("Mixed"),
        "": _("Not enough figures"),
    }[verdict]


def effect_rows(effects) -> list[dict]:
    """Per barrier: its lights at the start and now, its verdict, and a row per metric."""
    rows = []
    for card in effects:
        rows.append(
            {
                "barrier": card.barrier,
                "light_start": card.light_start,
                "light_now": card.light_now,
                "light_start_label": light_label(card.light_start),
                "light_now_label": light_label(card.light_now),
                "verdict": card.verdict,
                "verdict_label": verdict_label(card.verdict),
                "metrics": [
                    {
                        "label": c.metric.label,
                        "pilot_start": show(c.metric.name, c.pilot_start),
                        "pilot_now": show(c.metric.name, c.pilot_now),
                        "pilot_change": signed(c.metric.name, c.pilot_change),
                        "comparison_start": show(c.metric.name, c.comparison_start),
                        "comparison_now": show(c.metric.name, c.comparison_now),
                        "comparison_change": signed(c.metric.name, c.comparison_change),
                        "effect": signed(c.metric.name, c.effect),
                        "verdict": c.verdict,
                        "verdict_label": verdict_label(c.verdict),
                    }
                    for c in card.changes
                ],
            }
        )
    return rows
