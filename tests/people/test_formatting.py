"""people.formatting rounds half up to the places shown: Django's number_format alone cuts the
digits beyond them off (48.89 % read as "48.8%")."""

from decimal import Decimal

import pytest
from django.utils import translation

from people.formatting import _fixed, _fixed_reference, figure, hours, money, number, percent


@pytest.mark.parametrize(
    ("language", "call", "expected"),
    [
        ("en", lambda: percent(Decimal("48.89"), 1), "48.9%"),
        ("nl", lambda: percent(Decimal("48.89"), 1), "48,9 %"),
        ("en", lambda: percent(Decimal("99.5")), "100%"),
        ("en", lambda: percent(48.25, 1), "48.3%"),
        ("en", lambda: money(Decimal("1250.005")), "€1,250.01"),
        ("nl", lambda: money(Decimal("1250.004")), "€ 1.250,00"),
        ("en", lambda: hours(Decimal("7.66")), "7.7 h"),
        ("nl", lambda: figure(Decimal("3.85")), "3,9"),
        ("en", lambda: number(Decimal("1249.5")), "1,250"),
        ("en", lambda: money(-12.345), "-€12.35"),
        ("nl", lambda: money(Decimal("-1250.5")), "€ -1.250,50"),
        ("en", lambda: money(Decimal("-0.001")), "€0.00"),
        ("nl", lambda: figure(Decimal("-0.04")), "0,0"),
    ],
)
def test_figures_are_rounded_not_cut_off(language, call, expected):
    with translation.override(language):
        assert call() == expected


FIGURES = [0, 1, -1, 7, 999, 1000, -1000, 1234567, 1249.5, 0.005, -0.005, 12.345, -12.345, 1e9 + 0.5]
FIGURES += [Decimal(text) for text in ("0.00", "-0.001", "999.995", "1000000.004", "-1250.5", "98765432.1", "1E+3")]


@pytest.mark.parametrize("language", ["en", "nl", None])
@pytest.mark.parametrize("places", [0, 1, 2])
def test_the_fast_figures_read_as_djangos_number_format(language, places):
    """_fixed writes with Python's grouping and the language's separators; _fixed_reference through
    Django's number_format, the plain path. Every figure reads the same both ways (None: no language
    active, Django's defaults, which group nothing)."""
    with translation.override(language):
        for value in FIGURES:
            assert _fixed(value, places, language) == _fixed_reference(value, places), value
