"""Expansion of learning moments: local wall time across both daylight-saving changes, rule
validation, cancelled and moved occurrences, and the end of a series."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from policy.recurrence import next_occurrence, occurrences, validate_rule
from policy.services import moment_end, occurrence_cancel, occurrence_move, occurrence_restore

AMS = ZoneInfo("Europe/Amsterdam")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_weekly_moment_stays_at_nine_local_across_spring_and_autumn_changes(make_moment):
    moment = make_moment(rrule="FREQ=WEEKLY;BYDAY=SU", starts_on=date(2026, 3, 1), start_time=time(9, 0))
    found = occurrences(moment, utc(2026, 3, 1), utc(2026, 11, 2))
    assert all(o.start.astimezone(AMS).time() == time(9, 0) for o in found)
    by_day = {o.start.astimezone(AMS).date(): o.start for o in found}
    # Winter time (UTC+1) before 29 March, summer time (UTC+2) after; back to UTC+1 after 25 October.
    assert by_day[date(2026, 3, 22)] == utc(2026, 3, 22, 8, 0)
    assert by_day[date(2026, 3, 29)] == utc(2026, 3, 29, 7, 0)  # the very day of the spring change
    assert by_day[date(2026, 10, 25)] == utc(2026, 10, 25, 8, 0)  # the very day of the autumn change
    assert by_day[date(2026, 10, 18)] == utc(2026, 10, 18, 7, 0)
    assert len(found) == 36


def test_naive_utc_expansion_would_drift_an_hour(make_moment):
    """Negative control: expanding in UTC (what the wall-time expansion avoids) shifts summer by an hour."""
    from dateutil.rrule import rrulestr

    moment = make_moment(rrule="FREQ=WEEKLY;BYDAY=SU", starts_on=date(2026, 3, 1), start_time=time(9, 0))
    first = occurrences(moment, utc(2026, 3, 1), utc(2026, 3, 2))[0].start
    drifting = rrulestr(moment.rrule, dtstart=first).between(utc(2026, 7, 1), utc(2026, 7, 8))
    assert drifting[0].astimezone(AMS).time() == time(10, 0)
    ours = occurrences(moment, utc(2026, 7, 1), utc(2026, 7, 8))[0].start
    assert ours.astimezone(AMS).time() == time(9, 0)


def test_monthly_first_monday_and_los_angeles_zone(make_moment):
    moment = make_moment(
        rrule="FREQ=MONTHLY;BYDAY=1MO",
        starts_on=date(2026, 1, 1),
        start_time=time(15, 0),
        timezone="America/Los_Angeles",
    )
    found = occurrences(moment, utc(2026, 1, 1), utc(2027, 1, 1))
    la = ZoneInfo("America/Los_Angeles")
    assert [o.start.astimezone(la).date() for o in found][:4] == [
        date(2026, 1, 5),
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 4, 6),
    ]
    assert {o.start.astimezone(la).time() for o in found} == {time(15, 0)}
    assert len(found) == 12


def test_time_in_the_spring_gap_takes_the_offset_before_the_change(make_moment):
    moment = make_moment(rrule="FREQ=DAILY", starts_on=date(2026, 3, 28), start_time=time(2, 30))
    found = occurrences(moment, utc(2026, 3, 28), utc(2026, 3, 31))
    # 02:30 does not exist on 29 March; like calendar clients we place it at 03:30 summer time.
    assert [o.start for o in found] == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=WEEKLY;COUNT=3",
        "FREQ=WEEKLY;UNTIL=20270101T000000Z",
        "FREQ=MINUTELY",
        "BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=XX",
        "nonsense",
    ],
)
def test_bad_rules_are_refused_with_a_message(rule):
    with pytest.raises(ValidationError) as caught:
        validate_rule(rule)
    assert caught.value.message_dict["rrule"]


def test_rule_is_normalised():
    assert validate_rule(" rrule:freq=weekly;byday=tu ") == "FREQ=WEEKLY;BYDAY=TU"


def test_cancelled_occurrence_is_gone_and_moved_one_is_at_its_new_time(make_moment):
    moment = make_moment()  # Tuesdays 09:00 Amsterdam from 6 January 2026
    week2, week3 = utc(2026, 1, 13, 8), utc(2026, 1, 20, 8)
    occurrence_cancel(moment=moment, original_start=week2)
    new_time = datetime(2026, 1, 22, 14, 0, tzinfo=AMS)
    occurrence_move(moment=moment, original_start=week3, new_start=new_time)
    found = occurrences(moment, utc(2026, 1, 1), utc(2026, 2, 1))
    assert [o.start for o in found] == [utc(2026, 1, 6, 8), new_time.astimezone(UTC), utc(2026, 1, 27, 8)]
    assert found[1].moved
    assert found[1].original_start == week3
    with_cancelled = occurrences(moment, utc(2026, 1, 1), utc(2026, 2, 1), include_cancelled=True)
    assert [o.original_start for o in with_cancelled if o.cancelled] == [week2]
    occurrence_restore(moment=moment, original_start=week2)
    assert week2 in [o.start for o in occurrences(moment, utc(2026, 1, 1), utc(2026, 2, 1))]


def test_moved_occurrence_enters_a_window_from_outside(make_moment):
    moment = make_moment()
    occurrence_move(moment=moment, original_start=utc(2026, 1, 13, 8), new_start=utc(2026, 2, 3, 13))
    found = occurrences(moment, utc(2026, 2, 3, 12), utc(2026, 2, 3, 14))
    assert [(o.original_start, o.start) for o in found] == [(utc(2026, 1, 13, 8), utc(2026, 2, 3, 13))]


def test_only_real_occurrences_can_be_cancelled(make_moment):
    moment = make_moment()
    with pytest.raises(ValidationError):
        occurrence_cancel(moment=moment, original_start=utc(2026, 1, 14, 8))  # a Wednesday
    with pytest.raises(ValidationError):
        occurrence_cancel(moment=moment, original_start=utc(2026, 1, 13, 9))  # 10:00 local


def test_series_end_stops_occurrences_and_next_occurrence(make_moment):
    moment = make_moment()
    moment = moment_end(moment=moment, ends_on=date(2026, 1, 20))
    found = occurrences(moment, utc(2026, 1, 1), utc(2027, 1, 1))
    assert [o.start.date() for o in found] == [date(2026, 1, 6), date(2026, 1, 13), date(2026, 1, 20)]
    assert next_occurrence(moment, utc(2026, 1, 20, 8, 10)).start == utc(2026, 1, 20, 8)  # still running
    assert next_occurrence(moment, utc(2026, 1, 20, 9)) is None
    assert moment.calendar_sequence == 1


def test_next_occurrence_far_ahead(make_moment):
    moment = make_moment(rrule="FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1")
    assert next_occurrence(moment, utc(2026, 6, 2)).start == utc(2027, 6, 1, 7)


def test_series_end_before_start_is_refused(make_moment):
    with pytest.raises(ValidationError):
        make_moment(ends_on=date(2025, 12, 1))


def test_first_occurrence_is_not_before_the_first_date(make_moment):
    moment = make_moment(starts_on=date(2026, 1, 7))  # a Wednesday; the rule says Tuesdays
    found = occurrences(moment, utc(2026, 1, 1), utc(2026, 1, 20))
    assert [o.start for o in found] == [utc(2026, 1, 13, 8)]
    assert found[0].end - found[0].start == timedelta(minutes=30)
