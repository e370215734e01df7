"""The calendar feed and the per-moment .ics: parsed with icalendar, the VTIMEZONE turned back into
a time zone, the RRULE expanded with dateutil and compared with our own occurrences, across both
daylight-saving changes, with cancelled (EXDATE) and moved (RECURRENCE-ID) occurrences."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from people.audience import Audience
from policy.recurrence import occurrences
from policy.services import calendar_feed_get, calendar_feed_reset, moment_end, occurrence_cancel, occurrence_move

AMS = ZoneInfo("Europe/Amsterdam")
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def _list(value):
    return value if isinstance(value, list) else [value]


def expand_calendar(data: bytes, start: datetime, end: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
    """What a calendar client shows: per UID, (start, end) pairs in UTC, using only the file's content
    (the VTIMEZONE in the file, not our database or the system's zone data, gives the offsets)."""
    cal = Calendar.from_ical(data)
    zones = {str(tz["TZID"]): tz.to_tz() for tz in cal.walk("VTIMEZONE")}

    def aware(prop):
        tzid = prop.params.get("TZID")
        naive = prop.dt.replace(tzinfo=None)
        return naive.replace(tzinfo=zones[tzid]) if tzid else prop.dt

    series, moved = {}, {}
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        if "RECURRENCE-ID" in event:
            moved.setdefault(uid, {})[aware(event["RECURRENCE-ID"]).astimezone(UTC)] = (
                aware(event["DTSTART"]),
                aware(event["DTEND"]),
            )
        else:
            series[uid] = event
    result = {}
    for uid, event in series.items():
        dtstart, dtend = aware(event["DTSTART"]), aware(event["DTEND"])
        excluded = {aware(d).astimezone(UTC) for ex in _list(event.get("EXDATE", [])) for d in ex.dts}
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=dtstart)
        shown = []
        for when in rule.between(start.astimezone(dtstart.tzinfo), end.astimezone(dtstart.tzinfo), inc=True):
            key = when.astimezone(UTC)
            if key in excluded:
                continue
            if key in moved.get(uid, {}):
                a, b = moved[uid][key]
                shown.append((a.astimezone(UTC), b.astimezone(UTC)))
            else:
                shown.append((key, (when + (dtend - dtstart)).astimezone(UTC)))
        result[uid] = sorted(shown)
    return result


def ours(moment, start=WINDOW[0], end=WINDOW[1]):
    return [(o.start, o.end) for o in occurrences(moment, start, end)]


@pytest.fixture
def scheduled(make_moment, org):
    """A weekly Tuesday 09:00 moment for everyone, one cancelled and one moved occurrence (the moved one
    across the spring change), and a monthly moment for Customer Service only."""
    weekly = make_moment(title="Tuesday learning", starts_on=date(2026, 1, 5))  # a Monday; first is the 6th
    occurrence_cancel(moment=weekly, original_start=utc(2026, 3, 24, 8))  # winter time
    occurrence_move(
        moment=weekly, original_start=utc(2026, 3, 31, 7), new_start=datetime(2026, 4, 2, 16, 0, tzinfo=AMS)
    )
    occurrence_cancel(moment=weekly, original_start=utc(2026, 10, 27, 8))  # first Tuesday after the autumn change
    monthly = make_moment(
        title="Service lunch",
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        start_time=time(12, 0),
        duration_minutes=60,
        audience=Audience.of("department", department=org["service"]),
    )
    return weekly, monthly


def test_feed_expands_to_our_occurrences_across_both_dst_changes(client, employee, scheduled):
    weekly, monthly = scheduled
    token = calendar_feed_get(employee=employee).token
    response = client.get(reverse("policy:feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    shown = expand_calendar(response.content, *WINDOW)
    assert len(shown) == 2
    by_title = {str(e["SUMMARY"]): str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert shown[by_title["Tuesday learning"]] == ours(weekly)
    assert shown[by_title["Service lunch"]] == ours(monthly)
    assert len(ours(weekly)) == 50  # 52 Tuesdays in 2026 minus two cancelled (the moved one stays)
    # And the local times a client shows: 09:00 in winter and in summer, the moved one at 16:00.
    local = [a.astimezone(AMS) for a, _b in shown[by_title["Tuesday learning"]]]
    assert {t.time() for t in local if t.date() != date(2026, 4, 2)} == {time(9, 0)}
    assert datetime(2026, 4, 2, 16, 0, tzinfo=AMS) in local


def test_feed_structure_rrule_exdate_recurrence_id_and_vtimezone(client, employee, scheduled):
    token = calendar_feed_get(employee=employee).token
    cal = Calendar.from_ical(client.get(reverse("policy:feed", kwargs={"token": token})).content)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    vtz = cal.walk("VTIMEZONE")[0]
    assert {c.name for c in vtz.subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = cal.walk("VEVENT")
    series = [e for e in events if "RECURRENCE-ID" not in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    assert len(series) == 2
    assert len(overrides) == 1
    weekly = next(e for e in series if str(e["SUMMARY"]) == "Tuesday learning")
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"]
    assert weekly["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert weekly["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 1, 6, 9, 0)  # synchronised with the rule
    exdates = sorted(d.dt.astimezone(UTC) for ex in _list(weekly["EXDATE"]) for d in ex.dts)
    assert exdates == [utc(2026, 3, 24, 8), utc(2026, 10, 27, 8)]
    assert str(overrides[0]["UID"]) == str(weekly["UID"])
    assert overrides[0]["RECURRENCE-ID"].dt.astimezone(UTC) == utc(2026, 3, 31, 7)


def test_feed_holds_only_moments_in_the_employees_scope(client, other_employee, scheduled):
    token = calendar_feed_get(employee=other_employee).token  # Finance: not in Customer Service
    cal = Calendar.from_ical(client.get(reverse("policy:feed", kwargs={"token": token})).content)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Tuesday learning", "Tuesday learning"]


def test_ended_series_carries_until_and_expands_to_the_same(client_for, employee, scheduled):
    weekly, _monthly = scheduled
    weekly = moment_end(moment=weekly, ends_on=date(2026, 11, 3))
    response = client_for(employee).get(reverse("policy:moment_ics", kwargs={"pk": weekly.pk}))
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    series = next(e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e)
    assert series["RRULE"]["UNTIL"][0] == datetime(2026, 11, 3, 22, 59, 59, tzinfo=UTC)
    assert series["SEQUENCE"] == weekly.calendar_sequence
    shown = expand_calendar(response.content, *WINDOW)
    assert list(shown.values()) == [ours(weekly)]
    assert ours(weekly)[-1][0] == utc(2026, 11, 3, 8)


def test_reset_token_retires_the_old_feed(client, employee, scheduled):
    old = calendar_feed_get(employee=employee).token
    new = calendar_feed_reset(employee=employee).token
    assert new != old
    assert client.get(reverse("policy:feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("policy:feed", kwargs={"token": new})).status_code == 200


def test_feed_reset_page_changes_the_token(client_for, employee):
    old = calendar_feed_get(employee=employee).token
    response = client_for(employee).post(reverse("policy:feed_reset"))
    assert response.status_code == 302
    assert calendar_feed_get(employee=employee).token != old


def test_inactive_employees_feed_is_gone(client, employee, scheduled):
    token = calendar_feed_get(employee=employee).token
    employee.active = False
    employee.save()
    assert client.get(reverse("policy:feed", kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize(
    ("locale", "name", "words"),
    [("nl", "Leermomenten", "Leermoment: Elke dinsdag"), ("en", "Learning moments", "Learning moment: Every Tuesday")],
)
def test_the_feed_is_in_its_owners_language(client, employee, make_moment, locale, name, words):
    """Issue 13: a calendar app sends no language; the feed's name and descriptions are its owner's."""
    employee.locale = locale
    employee.save(update_fields=["locale"])
    make_moment(title="Leerhalfuur", description="Neem je laptop mee.")
    token = calendar_feed_get(employee=employee).token
    cal = Calendar.from_ical(client.get(reverse("policy:feed", kwargs={"token": token})).content)
    assert str(cal["X-WR-CALNAME"]) == name
    (event,) = cal.walk("VEVENT")
    assert str(event["DESCRIPTION"]).startswith(words)
    assert str(event["DESCRIPTION"]).endswith("Neem je laptop mee.")
