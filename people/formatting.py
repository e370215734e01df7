"""How figures read, per language: the one place that turns amounts into text for people.

Dutch: `€ 1.250,00`; English: `€1,250.00`. The language is the active one (wrap a call in
`translation.override(employee.locale)` for a text meant for that employee).
"""

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format


def money(amount: Decimal | int | float) -> str:
    """An amount in euros with two decimals and thousands grouped, as the active language writes it."""
    figure = number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)
    if translation.get_language() == "nl":
        return f"€ {figure}"
    return f"€{figure}"


def day(value) -> str:
    """A date as the active language writes it: `30-11-2026` in Dutch, `11/30/2026` in English."""
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)


def figure(value: Decimal | int | float | None, places: int = 1) -> str:
    """A plain figure (a mean, a score) with `places` decimals: `3,8` in Dutch, `3.8` in English."""
    if value is None:
        return "–"
    return number_format(Decimal(value), places, use_l10n=True, force_grouping=True)


def percent(value: Decimal | int | float | None, places: int = 0) -> str:
    """A share given as a percentage number (42 for 42 %): `42%` in English, `42 %` in Dutch."""
    if value is None:
        return "–"
    text = number_format(Decimal(value), places, use_l10n=True, force_grouping=True)
    return f"{text} %" if translation.get_language() == "nl" else f"{text}%"


def hours(value: Decimal | int | float, decimals: int = 1) -> str:
    """Hours as the active language writes them: `3.6 h`, Dutch `3,6 uur`."""
    figure = number_format(Decimal(value), decimals, use_l10n=True, force_grouping=True)
    return f"{figure} uur" if translation.get_language() == "nl" else f"{figure} h"


def number(value: Decimal | int | float, decimals: int = 0) -> str:
    """A plain figure with the active language's separators: `1,250.5`, Dutch `1.250,5`."""
    return number_format(Decimal(value), decimals, use_l10n=True, force_grouping=True)
