"""people.formatting rounds half up to the places shown: Django's number_format alone cuts the
digits beyond them off (48.89 % read as "48.8%")."""

from decimal import Decimal

import pytest
from django.utils import translation

from people.formatting import figure, hours, money, number, percent


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
