"""The period a figure covers: a run of whole days, inclusive, in the organisation's time zone."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(UTC)


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day, included

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))

    @classmethod
    def rolling_year(cls, end: date) -> "Period":
        """The 365 days that end on `end`: what a snapshot of that day covers."""
        return cls(end - timedelta(days=364), end)

    @classmethod
    def this_year(cls, today: date | None = None) -> "Period":
        return cls.year((today or timezone.localdate()).year)

    @property
    def since(self) -> datetime:
        """The first instant of the period (aware)."""
        return _aware(self.start)

    @property
    def until(self) -> datetime:
        """The first instant after the period (aware)."""
        return _aware(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def first_month(self) -> int:
        return _month_number(self.start)

    @property
    def last_month(self) -> int:
        return _month_number(self.end)

    @property
    def months(self) -> int:
        return self.last_month - self.first_month + 1

    def as_of(self, today: date | None = None) -> date:
        """The day the period's state is read on: its end, or today while it runs."""
        return min(self.end, today or timezone.localdate())

    def in_future(self, today: date | None = None) -> bool:
        return self.start > (today or timezone.localdate())

    def months_in(self) -> list["Period"]:
        """The calendar months the period touches, each cut to the period."""
        result, day = [], self.start
        while day <= self.end:
            month = Period.month(day.year, day.month)
            result.append(Period(max(month.start, self.start), min(month.end, self.end)))
            day = month.end + timedelta(days=1)
        return result
