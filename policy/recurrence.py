"""Expanding a learning moment into occurrences: the RFC 5545 rule runs in local wall time and each
start is localised with zoneinfo, so 09:00 in Amsterdam stays 09:00 in winter and in summer."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
FORBIDDEN_PARTS = {"DTSTART", "UNTIL", "COUNT"}


def validate_rule(text: str) -> str:
    """The rule, normalised (upper case, no RRULE: prefix), or a ValidationError saying what is wrong."""
    rule = (text or "").strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    if not rule or "\n" in rule:
        raise ValidationError({"rrule": _("Enter one recurrence rule, e.g. FREQ=WEEKLY;BYDAY=TU.")})
    parts = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key or not value:
            raise ValidationError({"rrule": _("“%(part)s” is not a NAME=VALUE part.") % {"part": part}})
        parts[key] = value
    if parts.keys() & FORBIDDEN_PARTS:
        raise ValidationError(
            {"rrule": _("Leave out DTSTART, UNTIL and COUNT: use the first date, start time and last date fields.")}
        )
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise ValidationError({"rrule": _("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.")})
    try:
        # The rule expands in naive local wall time by design (see series_starts).
        parsed = _rule(rule, datetime(2026, 1, 5, 9, 0))  # noqa: DTZ001
        first = parsed.after(datetime(2026, 1, 1), inc=True)  # noqa: DTZ001
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValidationError({"rrule": _("This is not a valid recurrence rule.")}) from None
    if first is None or first > datetime(2031, 1, 1):  # noqa: DTZ001
        raise ValidationError({"rrule": _("This rule has no occurrence in the coming five years.")})
    return rule


@lru_cache(maxsize=1024)
def _rule(rule: str, dtstart: datetime):
    return rrulestr(rule, dtstart=dtstart)


@dataclass(frozen=True)
class Occurrence:
    moment_id: int
    original_start: datetime  # aware, UTC: the occurrence's identity, even after a move
    start: datetime  # aware, UTC: where it takes place now
    end: datetime
    cancelled: bool = False
    moved: bool = False
    moment: object = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.original_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    def local_start(self) -> datetime:
        return self.start.astimezone(ZoneInfo(self.moment.timezone)) if self.moment else self.start


def parse_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def local_dtstart(moment) -> datetime:
    """The first start as naive local wall time: the rule expands in wall time."""
    return datetime.combine(moment.starts_on, moment.start_time.replace(second=0, microsecond=0))


def first_local_start(moment) -> datetime | None:
    """The first real occurrence as naive local time: DTSTART in a calendar must match the rule
    (RFC 5545 leaves an unsynchronised DTSTART undefined; clients then show an extra event)."""
    return _rule(moment.rrule, local_dtstart(moment)).after(local_dtstart(moment), inc=True)


def localise(naive: datetime, tz: ZoneInfo) -> datetime:
    """Wall time in `tz` to UTC. A time in the spring gap takes the offset before the change
    (02:30 becomes 03:30 summer time), as RFC 5545 clients do; an ambiguous autumn time the first."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def series_starts(moment, start: datetime, end: datetime) -> list[datetime]:
    """Original starts (UTC) of the series in [start, end), ignoring overrides."""
    tz = ZoneInfo(moment.timezone)
    lo = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    hi = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    dtstart = local_dtstart(moment)
    lo = max(lo, dtstart)
    if moment.ends_on:
        hi = min(hi, datetime.combine(moment.ends_on, time.max))
    if hi < lo:
        return []
    found = []
    for naive in _rule(moment.rrule, dtstart).between(lo, hi, inc=True):
        utc = localise(naive, tz)
        if start <= utc < end:
            found.append(utc)
    return found


def is_series_start(moment, when: datetime) -> bool:
    return when in series_starts(moment, when, when + timedelta(seconds=1))


def occurrences(moment, start: datetime, end: datetime, *, overrides=None, include_cancelled=False):
    """Occurrences whose current start lies in [start, end), in order; moved ones at their new time.

    `overrides` is the moment's overrides (a list; read from the database when None)."""
    if overrides is None:
        overrides = list(moment.overrides.all())
    by_original = {o.original_start: o for o in overrides}
    duration = timedelta(minutes=moment.duration_minutes)
    originals = set(series_starts(moment, start, end))
    # A moved occurrence may come into the window from outside it.
    originals |= {
        o.original_start
        for o in overrides
        if not o.cancelled and o.new_start and start <= o.new_start < end and is_series_start(moment, o.original_start)
    }
    result = []
    for original in originals:
        override = by_original.get(original)
        if override is not None and override.cancelled:
            if include_cancelled and start <= original < end:
                result.append(Occurrence(moment.pk, original, original, original + duration, True, False, moment))
            continue
        begins = override.new_start if override is not None and override.new_start else original
        if not (start <= begins < end):
            continue
        result.append(Occurrence(moment.pk, original, begins, begins + duration, False, begins != original, moment))
    result.sort(key=lambda o: (o.start, o.moment_id))
    return result


def next_occurrence(moment, after: datetime, *, overrides=None):
    """The first occurrence that has not ended yet at `after`, or None."""
    if overrides is None:
        overrides = list(moment.overrides.all())
    begin = after - timedelta(minutes=moment.duration_minutes)
    for days in (40, 400, 4000):
        upcoming = [
            o for o in occurrences(moment, begin, after + timedelta(days=days), overrides=overrides) if o.end > after
        ]
        if upcoming:
            return upcoming[0]
        if moment.ends_on and moment.ends_on < (after + timedelta(days=days)).date():
            return None
    return None


def local_date_range(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min).replace(tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
