"""How figures read on monitoring's pages: a Figure in its metric's unit, or why there is none."""

from django import template
from django.utils.translation import gettext as _

from people.formatting import hours, money, number, percent

from ..metrics import Unit
from ..selectors import Figure

register = template.Library()


def no_data_text(reason: str) -> str:
    return {"future": _("Not started yet"), "no_survey": _("No survey yet")}.get(reason, _("No data"))


def value_text(unit: str, value) -> str:
    if unit == Unit.PERCENT:
        return percent(value, 0 if abs(value) >= 10 else 1)
    if unit == Unit.HOURS:
        return hours(value)
    if unit == Unit.EUR:
        return money(value)
    if unit == Unit.SCORE:
        return number(value, 1)
    if unit == Unit.POINTS:
        return _("%(points)s points") % {"points": number(value, 0)}
    return number(value, 0)


@register.filter
def figure(fig: Figure, metric) -> str:
    """`{{ reading.figure|figure:reading.metric }}`: "66%", "3,6 uur", or "No survey yet"."""
    if fig is None or fig.value is None:
        return no_data_text(getattr(fig, "reason", ""))
    return value_text(metric.unit, fig.value)


@register.filter
def ratio(fig: Figure) -> str:
    """ "12 of 40": the numerator and denominator behind a figure."""
    if fig is None or not fig.denominator:
        return ""
    return _("%(numerator)s of %(denominator)s") % {
        "numerator": number(fig.numerator, 0 if fig.numerator == int(fig.numerator) else 1),
        "denominator": number(fig.denominator, 0 if fig.denominator == int(fig.denominator) else 1),
    }


def _float(value):
    return None if value is None else round(float(value), 2)


@register.filter
def bar_data(rows, name: str) -> dict:
    """Chart data of one metric over breakdown rows: {"labels": [...], "values": [...]}."""
    return {"labels": [r.label for r in rows], "values": [_float(r.figures[name].value) for r in rows]}


@register.filter
def line_data(series: list, days: list) -> dict:
    """Chart data of one snapshot series: month labels and values (null where none was taken)."""
    return {"labels": [d.strftime("%Y-%m") for d in days], "values": [_float(v) for v in series]}


@register.filter
def hours_text(value) -> str:
    return hours(value or 0)


@register.filter
def unit_value(value, metric) -> str:
    return value_text(metric.unit, value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def light_text(light: str) -> str:
    from ..reports import light_label

    return light_label(light)


@register.filter
def money_text(value) -> str:
    return money(value or 0)
