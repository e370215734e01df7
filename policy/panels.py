"""Home-page panels and the `next_learning_moment` provider for message placeholders."""

from zoneinfo import ZoneInfo

from django.utils import formats

from .selectors import hours_overview, my_moment_cards, next_learning_moment


def next_moment(request, roles) -> dict:
    cards = [c for c in my_moment_cards(employee=roles.employee) if c.next]
    mine = hours_overview([roles.employee])[0]
    return {"next_card": cards[0] if cards else None, "my_hours": mine}


def next_learning_moment_text(employee) -> str | None:
    """“Title, Tuesday 3 March 15:00” for the soonest upcoming occurrence, or None."""
    occurrence = next_learning_moment(employee)
    if occurrence is None:
        return None
    local = occurrence.start.astimezone(ZoneInfo(occurrence.moment.timezone))
    return f"{occurrence.moment.title}, {formats.date_format(local, 'DATETIME_FORMAT')}"


def learning_hours_of(employee):
    """The LEARNING_HOURS provider: the employee's row of hours_overview (what the home and the
    learning-moments page show)."""
    return hours_overview([employee])[0]
