"""iCalendar output: one VEVENT per series with its RRULE, EXDATE for cancelled occurrences, a
RECURRENCE-ID override per moved one, and the VTIMEZONE of each time zone used."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from .models import LearningMoment
from .recurrence import first_local_start, is_series_start

PRODID = "-//Leerborg//Learning moments//EN"


def _uid(moment: LearningMoment) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "leerborg"
    return f"moment-{moment.pk}@{host}"


def _rrule(moment: LearningMoment) -> vRecur:
    rule = vRecur.from_ical(moment.rrule)
    if moment.ends_on:
        # With a TZID on DTSTART, RFC 5545 wants UNTIL in UTC: the last second of the last local day.
        last = datetime.combine(moment.ends_on, time(23, 59, 59)).replace(tzinfo=ZoneInfo(moment.timezone))
        rule["UNTIL"] = [last.astimezone(UTC)]
    return rule


def _base_event(moment: LearningMoment, start: datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", _uid(moment))
    event.add("dtstamp", stamp)
    event.add("summary", moment.title)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=moment.duration_minutes))
    event.add("sequence", moment.calendar_sequence)
    # In the reader's language (the caller activates it): when it recurs, then L&D's own text.
    description = "\n\n".join(
        part for part in (_("Learning moment: %(when)s") % {"when": moment.in_words}, moment.description) if part
    )
    event.add("description", description)
    where = moment.location or moment.online_url
    if where:
        event.add("location", where)
    link = moment.online_url or settings.SITE_URL.rstrip("/") + reverse(
        "policy:moment_detail", kwargs={"pk": moment.pk}
    )
    event.add("url", link)
    return event


def moment_events(moment: LearningMoment, stamp: datetime) -> list[Event]:
    """The series VEVENT and one override VEVENT per moved occurrence (overrides prefetched)."""
    tz = ZoneInfo(moment.timezone)
    first = first_local_start(moment)
    if first is None or (moment.ends_on and first.date() > moment.ends_on):
        return []
    dtstart = first.replace(tzinfo=tz)
    series = _base_event(moment, dtstart, stamp)
    series.add("rrule", _rrule(moment))
    overrides = [o for o in moment.overrides.all() if is_series_start(moment, o.original_start)]
    cancelled = sorted(o.original_start.astimezone(tz) for o in overrides if o.cancelled)
    if cancelled:
        series.add("exdate", cancelled)
    events = [series]
    for o in sorted((o for o in overrides if not o.cancelled and o.new_start), key=lambda o: o.original_start):
        moved = _base_event(moment, o.new_start.astimezone(tz), stamp)
        moved.add("recurrence-id", o.original_start.astimezone(tz))
        events.append(moved)
    return events


def calendar_for(moments, *, name: str) -> bytes:
    """The calendar, its name and descriptions in the active language (the reader's)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for moment in moments:
        for event in moment_events(moment, stamp):
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
