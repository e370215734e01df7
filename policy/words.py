"""A learning moment's recurrence in words, in the active language: "Every Tuesday 15:00–15:30",
"Elke dinsdag 15:00–15:30", "The first Monday of every month 09:00–09:30". People never read the
RFC 5545 rule itself."""

import re
from datetime import datetime, timedelta

from django.utils.dates import WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY = re.compile(r"^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$")


def _ordinal(n: int) -> str:
    names = {1: _("first"), 2: _("second"), 3: _("third"), 4: _("fourth"), -1: _("last")}
    return names.get(n, str(n))


def _days(codes: list[str]) -> str:
    return get_text_list([str(WEEKDAYS[DAY_CODES.index(c)]) for c in codes], _("and"))


def _pattern(parts: dict[str, str]) -> str:
    freq = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1") or 1)
    byday = [BYDAY.match(d) for d in parts.get("BYDAY", "").split(",") if d]
    if any(m is None for m in byday):
        return _("On a custom schedule")
    ordinals = [(int(m.group(1)) if m.group(1) else None, m.group(2)) for m in byday]
    if freq == "DAILY":
        return ngettext("Every day", "Every %(n)d days", interval) % {"n": interval}
    if freq == "WEEKLY":
        days = _days([code for _n, code in ordinals]) if ordinals else ""
        if not days:
            return ngettext("Every week", "Every %(n)d weeks", interval) % {"n": interval}
        if interval == 1:
            return _("Every %(days)s") % {"days": days}
        return _("Every %(n)d weeks on %(days)s") % {"n": interval, "days": days}
    if freq == "MONTHLY" and len(ordinals) == 1 and ordinals[0][0] is not None and interval == 1:
        n, code = ordinals[0]
        return _("The %(ordinal)s %(day)s of every month") % {
            "ordinal": _ordinal(n),
            "day": WEEKDAYS[DAY_CODES.index(code)],
        }
    if freq == "MONTHLY" and not ordinals and parts.get("BYMONTHDAY", "").isdigit() and interval == 1:
        return _("Every month on day %(day)s") % {"day": parts["BYMONTHDAY"]}
    if freq == "MONTHLY" and not ordinals:
        return ngettext("Every month", "Every %(n)d months", interval) % {"n": interval}
    if freq == "YEARLY" and not ordinals and interval == 1:
        return _("Every year")
    return _("On a custom schedule")


def recurrence_in_words(moment) -> str:
    """The moment's rule and times in words, e.g. "Every Tuesday 15:00–15:30"."""
    parts = dict(part.partition("=")[::2] for part in (moment.rrule or "").upper().split(";") if part)
    pattern = _pattern(parts)
    if not moment.start_time:
        return pattern
    start = datetime.combine(datetime(2026, 1, 1).date(), moment.start_time)  # noqa: DTZ001 (a wall-clock time)
    end = start + timedelta(minutes=moment.duration_minutes or 0)
    return f"{pattern} {start:%H:%M}–{end:%H:%M}"
