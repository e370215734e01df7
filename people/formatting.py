"""How figures read, per language: the one place that turns money, hours, percentages and dates into
text for people (templates use the same functions through the `money`, `hours`, `percent`, `day` and
`moment` filters of `{% load leerborg %}`).

Dutch: `€ 1.250,00`, `7,6`, `30-11-2026`; English: `€1,250.00`, `7.6`, `30 Nov 2026`. The language is
the active one (wrap a call in `translation.override(employee.locale)` for a text meant for that employee).
"""

import functools
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format, get_format, number_format


def _rounded(value, places: int) -> Decimal:
    """The value rounded half up to `places` decimals. Django's number_format cuts the digits beyond
    `places` off (48.89 became "48.8"); rounding first keeps it from doing so."""
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value) if isinstance(value, float) else value).quantize(exponent, rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # -0.001 reads 0.00, never -0.00


def _fixed_reference(value, places: int) -> str:
    """`_fixed` through Django's number_format: the plain path, which `_fixed` takes for a language
    that does not group by threes and which its test holds the fast path to."""
    return number_format(_rounded(value, places), places, use_l10n=True, force_grouping=True)


@functools.cache
def _separators(language: str | None) -> dict | None:
    """The language's decimal and thousands separators as a str.translate table from Python's
    `1,250.50`; None when it does not group by threes (Python's "," cannot write that)."""
    if get_format("NUMBER_GROUPING", language, use_l10n=True) != 3:
        return None
    decimal_sep = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
    thousand_sep = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
    return str.maketrans({".": decimal_sep, ",": thousand_sep})


def _fixed(value, places: int, language: str | None) -> str:
    """The value rounded half up to `places` decimals with the separators of `language` (the active
    one, which the caller looked up once), thousands grouped. The same text as `_fixed_reference` at
    a fraction of the cost: a budget overview writes some thousand figures (docs/performance.md)."""
    table = _separators(language)
    if table is None:
        return _fixed_reference(value, places)
    return f"{_rounded(value, places):,.{places}f}".translate(table)


def money(amount: Decimal | int | float | None) -> str:
    """An amount in euros with two decimals and thousands grouped, as the active language writes it:
    a negative amount reads `€ -12,35` in Dutch and `-€12.35` in English (the sign before the euro)."""
    if amount is None:
        return ""
    language = translation.get_language()
    figure = _fixed(amount, 2, language)
    if language == "nl":
        return f"€ {figure}"
    sign, figure = ("-", figure[1:]) if figure.startswith("-") else ("", figure)
    return f"{sign}€{figure}"


def hours_figure(value: Decimal | int | float | None) -> str:
    """Hours without the unit (for "6 of 40 hours"), at most one decimal: `7,6` / `7.6`, `40` for 40.0."""
    if value is None:
        return ""
    figure = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    places = 0 if figure == figure.to_integral_value() else 1
    return number_format(figure, places, use_l10n=True, force_grouping=True)


def figure(value: Decimal | int | float | None, places: int = 1) -> str:
    """A plain figure (a mean, a score) with `places` decimals: `3,8` in Dutch, `3.8` in English."""
    if value is None:
        return "–"
    return _fixed(value, places, translation.get_language())


def percent(value: Decimal | int | float | None, places: int = 0) -> str:
    """A share given as a percentage number (42 for 42 %): `42%` in English, `42 %` in Dutch."""
    if value is None:
        return "–"
    language = translation.get_language()
    text = _fixed(value, places, language)
    return f"{text} %" if language == "nl" else f"{text}%"


def hours(value: Decimal | int | float, decimals: int = 1) -> str:
    """Hours as the active language writes them: `3.6 h`, Dutch `3,6 uur`."""
    language = translation.get_language()
    figure = _fixed(value, decimals, language)
    return f"{figure} uur" if language == "nl" else f"{figure} h"


def number(value: Decimal | int | float, decimals: int = 0) -> str:
    """A plain figure with the active language's separators: `1,250.5`, Dutch `1.250,5`."""
    return _fixed(value, decimals, translation.get_language())


def day(value: date | datetime | None) -> str:
    """A date as the active language writes it short: `30-11-2026` in Dutch, `30 Nov 2026` in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value, "SHORT_DATE_FORMAT")


def moment(value: datetime | None) -> str:
    """A date and time in the current time zone: `30-11-2026 15:00` / `30 Nov 2026, 15:00`."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")
