from datetime import UTC, date, datetime, time

import pytest

from anxuan.campaigns.deadlines import SHANGHAI, shift_year, weekly_periods


def thursdays(first: date, last: date):
    return weekly_periods(weekday=3, due_time=time(12, 0), first=first, last=last)


def test_june_2026_has_four_thursdays_due_at_noon_shanghai():
    periods = thursdays(date(2026, 6, 1), date(2026, 6, 30))

    assert [p.due_at.date() for p in periods] == [
        date(2026, 6, 4),
        date(2026, 6, 11),
        date(2026, 6, 18),
        date(2026, 6, 25),
    ]
    assert {p.due_at.astimezone(SHANGHAI).time() for p in periods} == {time(12, 0)}
    # 12:00 in Shanghai is 04:00 UTC, whatever the server's own zone is.
    assert periods[0].due_at.astimezone(UTC) == datetime(2026, 6, 4, 4, 0, tzinfo=UTC)


def test_the_last_day_of_the_range_counts_when_it_is_a_thursday():
    periods = thursdays(date(2022, 6, 1), date(2022, 6, 30))  # 30 June 2022 was a Thursday

    assert [p.due_at.day for p in periods] == [2, 9, 16, 23, 30]


def test_a_range_starting_on_the_weekday_includes_that_day():
    periods = thursdays(date(2021, 6, 3), date(2021, 6, 10))

    assert [p.due_at.day for p in periods] == [3, 10]


def test_each_period_opens_when_the_one_before_is_due():
    periods = thursdays(date(2026, 6, 1), date(2026, 6, 30))

    assert periods[0].opens_at == datetime(2026, 6, 1, 0, 0, tzinfo=SHANGHAI)
    assert [p.opens_at for p in periods[1:]] == [p.due_at for p in periods[:-1]]
    assert [p.number for p in periods] == [1, 2, 3, 4]


def test_friday_evening_rule_crosses_year_boundary():
    periods = weekly_periods(
        weekday=4, due_time=time(17, 0), first=date(2026, 12, 20), last=date(2027, 1, 10)
    )

    assert [p.due_at.date() for p in periods] == [
        date(2026, 12, 25),
        date(2027, 1, 1),
        date(2027, 1, 8),
    ]


def test_a_range_without_the_weekday_has_no_period():
    assert thursdays(date(2026, 6, 1), date(2026, 6, 3)) == []


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 6, 1), 1, date(2027, 6, 1)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2026, 7, 1), -1, date(2025, 7, 1)),
    ],
)
def test_shift_year(day, years, expected):
    assert shift_year(day, years) == expected
