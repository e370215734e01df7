"""Small helpers for the survey templates: answer options, the answer form's errors and values,
and shares written as the reader's language writes them."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from people.formatting import figure, percent

register = template.Library()

LIKERT = {1: _("Strongly disagree"), 2: _("Disagree"), 3: _("Neutral"), 4: _("Agree"), 5: _("Strongly agree")}


@register.filter
def options(question) -> list[tuple[int, str]]:
    if question.kind == "likert":
        return [(v, f"{v} · {LIKERT[v]}") for v in question.scale()]
    if question.kind == "nps":
        return [(v, str(v)) for v in question.scale()]
    return list(zip(question.scale(), question.choice_labels(), strict=False))


@register.filter
def error_for(errors: dict, question) -> str:
    found = (errors or {}).get(f"q{question.pk}")
    if isinstance(found, list | tuple):
        return " ".join(str(e) for e in found)
    return found or ""


@register.filter
def given_for(given: dict, question) -> list[str]:
    value = (given or {}).get(str(question.pk))
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


@register.filter
def share_number(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.filter
def share(part, whole) -> str:
    return percent(Decimal(100 * part) / whole if whole else 0)


@register.filter
def pct(value) -> str:
    return percent(value, 1)


@register.filter
def fig(value, places=2) -> str:
    return figure(value, int(places))


@register.filter
def likert_label(value) -> str:
    return str(LIKERT.get(int(value), value))


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def bar(value) -> int:
    """A 1-5 mean as the width of a bar (1 is empty, 5 is full)."""
    return 0 if value is None else round((float(value) - 1) * 25)


@register.filter
def barrier_label(value) -> str:
    from ..models import Barrier

    return str(Barrier(int(value)).label)
