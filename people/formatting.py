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
