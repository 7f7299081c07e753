"""Each scoring rule, with its edges: a report exactly at the due time, one second late, a
day and one second late; a cap reached; tiers; a veto; the "→ 0" switches."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from anxuan.assessment.enums import Rule
from anxuan.assessment.models import Item
from anxuan.assessment.scoring import days_late, score
from anxuan.campaigns.deadlines import SHANGHAI

DUE = datetime(2026, 5, 31, 18, 0, tzinfo=SHANGHAI)


def item(rule: str, points: str = "3", **fields) -> Item:
    return Item(title="按时报送方案", rule=rule, max_points=Decimal(points), **fields)


@pytest.mark.parametrize(
    ("after", "days"),
    [
        (timedelta(hours=-5), 0),
        (timedelta(0), 0),  # exactly at the due time: on time
        (timedelta(seconds=1), 1),  # one second late: a started day
        (timedelta(days=1), 1),
        (timedelta(days=1, seconds=1), 2),  # a day and one second late
    ],
)
def test_days_late_count_a_started_day(after, days):
    assert days_late(DUE + after, DUE) == days


def test_timeliness_loses_the_set_points_per_day_late_and_everything_when_missing():
    rule = item(Rule.TIMELINESS, "3", per_unit=Decimal("1"))
    assert score(rule, Decimal(0)).points == Decimal("3")
    assert score(rule, Decimal(1)).points == Decimal("2")
    late = score(rule, Decimal(2))
    assert (late.points, late.why) == (Decimal("1"), "迟报 2 天，扣 2 分")
    assert score(rule, Decimal(5)).points == Decimal("0")  # never below zero
    assert score(rule, None).points == Decimal("0")  # not submitted: everything lost
    another_office = item(Rule.TIMELINESS, "5", per_unit=Decimal("0.5"))
    assert score(another_office, Decimal(3)).points == Decimal("3.5")


def test_points_per_counted_thing_stop_at_the_cap():
    rule = item(Rule.PER_COUNT, "10", per_unit=Decimal("2"), cap=Decimal("6"))
    assert score(rule, Decimal(2)).points == Decimal("4")
    assert score(rule, Decimal(3)).points == Decimal("6")  # the cap reached exactly
    capped = score(rule, Decimal(7))
    assert capped.points == Decimal("6")
    assert capped.why == "7 × 2 分，最高 6 分"
    no_cap = item(Rule.PER_COUNT, "12", per_unit=Decimal("0.5"))
    assert score(no_cap, Decimal(30)).points == Decimal("12")  # the item's points
    assert score(no_cap, Decimal(0)).points == Decimal("0")


def test_regularity_loses_points_per_period_without_a_report():
    rule = item(Rule.REGULARITY, "3", per_unit=Decimal("0.5"))
    assert score(rule, Decimal(0)).points == Decimal("3")
    assert score(rule, Decimal(3)).points == Decimal("1.5")
    assert score(rule, Decimal(9)).points == Decimal("0")


def test_tiered_deduction_by_occurrences():
    rule = item(Rule.TIERED, "10", tiers=[2, 4, 6, 10])
    assert [score(rule, Decimal(n)).points for n in range(6)] == [
        Decimal(p) for p in ("10", "8", "6", "4", "0", "0")
    ]


def test_a_veto_marks_the_unit_and_carries_no_points():
    rule = item(Rule.VETO, "0")
    assert score(rule, Decimal(1)).vetoed
    assert score(rule, Decimal(1)).points == Decimal(0)
    assert not score(rule, Decimal(0)).vetoed
    assert not score(rule, None).vetoed


def test_done_and_manual():
    done = item(Rule.DONE, "1")
    assert score(done, Decimal(1)).points == Decimal("1")
    assert score(done, Decimal(0)).points == Decimal("0")
    assert score(done, None).points is None  # no data: the assessor decides
    assert score(item(Rule.MANUAL, "4"), Decimal(1)).points is None


def test_the_zero_switches():
    rule = item(Rule.TIMELINESS, "3", per_unit=Decimal("1"), zero_if_late=True)
    assert score(rule, Decimal(1), late=True).points == Decimal(0)
    assert score(rule, Decimal(0)).points == Decimal(3)
    documents = item(Rule.DONE, "2", zero_if_no_document=True)
    assert score(documents, Decimal(1), no_document=True).points == Decimal(0)
    assert score(documents, Decimal(1)).points == Decimal(2)
    no_data = item(Rule.DONE, "2", zero_if_no_data=True)
    assert score(no_data, None).points == Decimal(0)
