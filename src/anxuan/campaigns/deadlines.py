"""Deadline rules expanded into periods, in Asia/Shanghai whatever the server's zone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateField
from django.db.models.functions import TruncDate

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class PeriodSpec:
    number: int
    opens_at: datetime
    due_at: datetime


def due_day(due_at: datetime) -> date:
    """The calendar day of a deadline in Asia/Shanghai: a unit is expected for a period when
    it had joined by that day (the tallies say the same in SQL with TruncDate(SHANGHAI))."""
    return due_at.astimezone(SHANGHAI).date()


def due_day_of(field: str) -> TruncDate:
    """`due_day` in SQL, of a deadline field (e.g. "period__due_at")."""
    return TruncDate(field, tzinfo=SHANGHAI, output_field=DateField())


def at_shanghai(day: date, hour: time) -> datetime:
    return datetime.combine(day, hour, tzinfo=SHANGHAI)


def weekly_periods(*, weekday: int, due_time: time, first: date, last: date) -> list[PeriodSpec]:
    """One period per `weekday` (0 = Monday) from `first` to `last` inclusive, due at
    `due_time`. The first opens at the start of `first`; each later one when the one
    before is due."""
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    opens = at_shanghai(first, time(0, 0))
    periods: list[PeriodSpec] = []
    while day <= last:
        due = at_shanghai(day, due_time)
        periods.append(PeriodSpec(number=len(periods) + 1, opens_at=opens, due_at=due))
        opens = due
        day += timedelta(days=7)
    return periods


def once_period(*, due_at: datetime, opens_on: date) -> list[PeriodSpec]:
    opens = min(at_shanghai(opens_on, time(0, 0)), due_at)
    return [PeriodSpec(number=1, opens_at=opens, due_at=due_at)]


def shift_year(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
