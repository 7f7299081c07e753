"""Tip statistics (issue 15, Build §9): one selector for every figure of an office's
jurisdiction, read by the statistics page, its .xlsx and the campaign's statistics table;
each figure equal to a raw SQL count written here. Tips are put in their states by setting
their fields directly (the handling service is not what is tested here)."""

import io
import re
import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Organization
from anxuan.tips import clocks, services
from anxuan.tips.enums import RewardState, State
from anxuan.tips.models import Reward, Tip
from anxuan.tips.selectors import overdue_q, tip_figures
from tests import factories

ON = date(2026, 7, 10)  # the day overdue is judged
NOW = datetime(2026, 7, 10, 12, 0, tzinfo=SHANGHAI)
YEAR = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}


def filed(place: Organization, at: datetime, *, category="major_hazard", channel="web", **fields):
    """A tip filed through the intake service at `at`, then put in a state by its fields."""
    with time_machine.travel(at, tick=False):
        tip = services.file_tip(
            place=place,
            address="工业园区 3 号",
            target="某化工有限公司",
            category=category,
            description="夜间违规动火作业",
            channel=channel,
        ).tip
    if fields:
        Tip.objects.filter(pk=tip.pk).update(**fields)
        tip.refresh_from_db()
    return tip


def shanghai(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def rewarded(tip: Tip, person, state: str, proposed: str, paid: str | None = None) -> Reward:
    return Reward.objects.create(
        tip=tip,
        state=state,
        proposed=Decimal(proposed),
        paid=Decimal(paid) if paid else None,
        recorded_by=person,
    )


@pytest.fixture
def tips(county) -> dict[str, Tip]:
    """Ten tips of the county (高台县) in 2026 in every kind of state, one of 2025, and one
    of the neighbouring county (临泽县)."""
    town, other = county.town, county.other_town
    made = {
        "verifying": filed(
            town, shanghai(6, 5), state=State.VERIFYING,
            accepted_on=date(2026, 6, 6), verify_due=date(2026, 8, 5),
        ),
        "verifying_late": filed(
            town, shanghai(6, 10), category="illegal_operation", channel="phone",
            state=State.VERIFYING, accepted_on=date(2026, 6, 11), verify_due=date(2026, 7, 1),
        ),
        "closed_late": filed(
            other, shanghai(6, 12), channel="letter", state=State.CLOSED, exposed=True,
            accepted_on=date(2026, 6, 12), closed_on=date(2026, 6, 22),
            reply_due=date(2026, 7, 2),
        ),
        "replied": filed(
            other, shanghai(6, 15), category="concealed_accident", state=State.REPLIED,
            accepted_on=date(2026, 6, 15), closed_on=date(2026, 6, 30),
            reply_due=date(2026, 7, 10), replied_on=date(2026, 7, 1),
        ),
        "objected_late": filed(
            town, shanghai(6, 20), category="other_violation", channel="visit",
            state=State.OBJECTED, accepted_on=date(2026, 6, 20), closed_on=date(2026, 6, 24),
            reply_due=date(2026, 7, 4), reexam_due=date(2026, 7, 9),
        ),
        "withdrawn": filed(
            town, shanghai(6, 25), state=State.WITHDRAWN,
            accepted_on=date(2026, 6, 25), withdrawn_on=date(2026, 6, 28),
        ),
        # 2026-06-30 17:00 UTC is 1 July, 01:00 in Shanghai.
        "july": filed(town, datetime(2026, 6, 30, 17, 0, tzinfo=UTC)),
        "refused": filed(town, shanghai(7, 2), state=State.REFUSED, refusal_ground="no_facts"),
        "final": filed(
            other, shanghai(5, 20), state=State.FINAL,
            accepted_on=date(2026, 5, 21), closed_on=date(2026, 6, 20),
            reexam_due=date(2026, 7, 30), final_on=date(2026, 7, 5),
        ),
        # 23:59 on New Year's Eve in Shanghai: 2025, outside the year.
        "last_year": filed(town, datetime(2025, 12, 31, 15, 59, tzinfo=UTC)),
        "neighbour": filed(county.outsider.memberships.get().organization, shanghai(6, 8)),
    }  # fmt: skip
    made["merged"] = filed(town, shanghai(6, 26), state=State.MERGED, merged_into=made["verifying"])
    admin = county.office_admin
    rewarded(made["replied"], admin, RewardState.PAID, "3000", "3000")
    rewarded(made["objected_late"], admin, RewardState.NOTIFIED, "5000")
    rewarded(made["verifying_late"], admin, RewardState.LAPSED, "2000")
    rewarded(made["merged"], admin, RewardState.PROPOSED, "1000")
    rewarded(made["final"], admin, RewardState.NOT_ELIGIBLE, "0")
    return made


def by_key(rows) -> dict[str, int]:
    return {row.key: row.tally.received for row in rows}


def test_every_figure_of_the_county(county, tips):
    figures = tip_figures(county.county, on=ON, **YEAR)

    total = figures.total
    assert (total.received, total.accepted, total.verified) == (9, 6, 4)
    assert (total.overdue, total.exposed, figures.merged) == (3, 1, 1)
    assert figures.verified_rate == Decimal("66.7")
    assert by_key(figures.by_category) == {
        "major_hazard": 6,
        "illegal_operation": 1,
        "concealed_accident": 1,
        "other_violation": 1,
    }
    assert by_key(figures.by_channel) == {"web": 6, "phone": 1, "letter": 1, "visit": 1}
    assert by_key(figures.by_state) == {
        "received": 1,
        "verifying": 2,
        "refused": 1,
        "transferred": 0,
        "closed": 1,
        "replied": 1,
        "objected": 1,
        "final": 1,
        "withdrawn": 1,
    }
    # The county handles its tips itself: they go by the town they happened in, and the
    # towns' own figures (no tip handled there) are not offered.
    assert [(r.label, r.tally.received, r.handled_within) for r in figures.by_region] == [
        ("城关镇", 6, False),
        ("宣化镇", 3, False),
    ]
    assert figures.closing_days == {4: 1, 10: 1, 15: 1, 30: 1}
    assert figures.closed == 4
    assert figures.mean_days_to_close == Decimal("14.8")
    assert figures.median_days_to_close == Decimal("12.5")
    june = tip_figures(county.county, start=date(2026, 6, 1), end=date(2026, 6, 30), on=ON)
    assert (june.closed, june.mean_days_to_close, june.median_days_to_close) == (
        3,
        Decimal("9.7"),  # 29 / 3
        Decimal("10.0"),
    )
    # Notified and paid (not lapsed, not the ineligible 0), and the merged tip's proposal.
    assert figures.rewards_proposed == Decimal("9000")
    assert figures.rewards_paid == Decimal("3000")


def test_months_are_asia_shanghai_months(county, tips):
    figures = tip_figures(county.county, on=ON, **YEAR)

    months = {row.key: row.tally.received for row in figures.by_month}
    assert len(months) == 12
    assert (months["2026-01"], months["2026-05"], months["2026-06"], months["2026-07"]) == (
        0,
        1,
        6,
        2,
    )
    assert tip_figures(county.county, start=date(2026, 7, 1), end=date(2026, 7, 1)).received == 1
    assert tip_figures(county.county, start=date(2026, 6, 30), end=date(2026, 6, 30)).received == 0
    assert (
        tip_figures(county.county, start=date(2025, 12, 31), end=date(2025, 12, 31)).received == 1
    )


def test_the_city_sees_both_counties_by_region(county, tips):
    city = county.county.parent
    tip_of_the_city = filed(county.town, shanghai(6, 9))
    Tip.objects.filter(pk=tip_of_the_city.pk).update(office=city)  # assigned up, say

    figures = tip_figures(city, on=ON, **YEAR)

    assert [(r.label, r.tally.received, r.tally.overdue) for r in figures.by_region] == [
        ("高台县", 10, 3),  # its own nine, and the city's tip that happened in it
        ("临泽县", 1, 0),
    ]
    assert figures.received == 11
    assert [(r.organization, r.handled_within) for r in figures.by_region] == [
        (county.county, True),
        (Organization.objects.get(name="临泽县"), True),
    ]


def test_a_tip_the_city_handles_about_itself_is_its_own(county, tips):
    city = county.county.parent
    Tip.objects.filter(pk=tips["neighbour"].pk).update(office=city, place=city)

    rows = tip_figures(city, on=ON, **YEAR).by_region

    assert [(r.key, r.label, r.tally.received) for r in rows] == [
        (str(county.county.pk), "高台县", 9),
        (str(Organization.objects.get(name="临泽县").pk), "临泽县", 0),
        ("own", "张掖市（本级）", 1),
    ]


@pytest.mark.parametrize(
    "on", [date(2026, 7, d) for d in (1, 2, 3, 4, 5, 9, 10, 11)] + [date(2026, 8, 6)]
)
def test_overdue_in_sql_agrees_with_the_clocks(county, tips, on):
    rules = clocks.rules_for(county.county)
    counted = Tip.objects.exclude(state=State.MERGED)

    in_sql = set(counted.filter(overdue_q(on)).values_list("pk", flat=True))

    assert in_sql == {t.pk for t in counted if clocks.urgency(t, rules, on) == clocks.OVERDUE}
    assert tip_figures(county.county, on=on, **YEAR).overdue == len(in_sql)  # all the county's


def test_overdue_is_judged_today_in_shanghai_by_default(county, tips):
    # 9 July, 23:30 in Shanghai (15:30 UTC): the re-examination due on the 9th is not late.
    with time_machine.travel(datetime(2026, 7, 9, 15, 30, tzinfo=UTC), tick=False):
        assert tip_figures(county.county, **YEAR).overdue == 2
    with time_machine.travel(datetime(2026, 7, 9, 16, 30, tzinfo=UTC), tick=False):
        assert tip_figures(county.county, **YEAR).overdue == 3


def test_nothing_received_is_no_rate(county):
    figures = tip_figures(county.county, on=ON, **YEAR)

    assert figures.received == 0
    assert figures.verified_rate is None
    assert figures.mean_days_to_close is None
    assert figures.median_days_to_close is None
    assert figures.rewards_proposed == figures.rewards_paid == Decimal(0)
    assert [r.label for r in figures.by_region] == ["城关镇", "宣化镇"]


# The page and the .xlsx ------------------------------------------------------------------


def page_figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', page.split('id="by-')[0]))


def page_table(page: str, key: str) -> list[tuple[str, list[str]]]:
    table = page.split(f'id="by-{key}"')[1].split("</table>")[0]
    return [
        (row_key, re.findall(r'<td data-figure="\w+">([^<]*)</td>', cells))
        for row_key, cells in re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', table)
    ]


def number(value) -> Decimal | None:
    """A figure as the page prints it ("87.5", "—") or the workbook holds it (87.5, None)."""
    return None if value in (None, "—") else Decimal(str(value))


def sql_counts(office: Organization, group: str, on: date) -> dict[str, list[int]]:
    """received, accepted, verified, overdue, exposed per `group` column, in raw SQL."""
    ops = connection.ops
    start = ops.adapt_datetimefield_value(datetime(2026, 1, 1, tzinfo=SHANGHAI))
    end = ops.adapt_datetimefield_value(datetime(2027, 1, 1, tzinfo=SHANGHAI))
    day = ops.adapt_datefield_value(on)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT t.{group},
              COUNT(*),
              SUM(CASE WHEN t.accepted_on IS NOT NULL AND t.state <> 'withdrawn'
                  THEN 1 ELSE 0 END),
              SUM(CASE WHEN t.accepted_on IS NOT NULL
                  AND t.state IN ('closed', 'replied', 'objected', 'final') THEN 1 ELSE 0 END),
              SUM(CASE WHEN (t.state = 'verifying' AND t.verify_due < %s)
                  OR (t.state = 'closed' AND t.reply_due < %s)
                  OR (t.state = 'objected' AND t.reexam_due < %s) THEN 1 ELSE 0 END),
              SUM(CASE WHEN t.exposed THEN 1 ELSE 0 END)
            FROM tips_tip t JOIN orgs_organization o ON o.id = t.office_id
            WHERE o.path LIKE %s AND t.received_at >= %s AND t.received_at < %s
              AND t.state <> 'merged'
            GROUP BY t.{group}
            """,  # noqa: S608 -- the column name is one of the test's own
            [day, day, day, office.path + "%", start, end],
        )
        return {row[0]: [int(v) for v in row[1:]] for row in cursor.fetchall()}


def sql_closing_days(office: Organization) -> list[int]:
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.accepted_on, t.closed_on FROM tips_tip t
            JOIN orgs_organization o ON o.id = t.office_id
            WHERE o.path LIKE %s AND t.received_at >= %s AND t.received_at < %s
              AND t.state <> 'merged' AND t.accepted_on IS NOT NULL AND t.closed_on IS NOT NULL
            """,
            [
                office.path + "%",
                ops.adapt_datetimefield_value(datetime(2026, 1, 1, tzinfo=SHANGHAI)),
                ops.adapt_datetimefield_value(datetime(2027, 1, 1, tzinfo=SHANGHAI)),
            ],
        )
        pairs = cursor.fetchall()
    as_date = [(date.fromisoformat(str(a)), date.fromisoformat(str(c))) for a, c in pairs]
    return [(closed - accepted).days for accepted, closed in as_date]


def sql_rewards(office: Organization) -> tuple[Decimal, Decimal]:
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              SUM(CASE WHEN r.state IN ('proposed', 'notified', 'claimed', 'paid')
                  THEN r.proposed ELSE 0 END),
              SUM(CASE WHEN r.state = 'paid' THEN r.paid ELSE 0 END)
            FROM tips_reward r JOIN tips_tip t ON t.id = r.tip_id
            JOIN orgs_organization o ON o.id = t.office_id
            WHERE o.path LIKE %s AND t.received_at >= %s AND t.received_at < %s
            """,
            [
                office.path + "%",
                ops.adapt_datetimefield_value(datetime(2026, 1, 1, tzinfo=SHANGHAI)),
                ops.adapt_datetimefield_value(datetime(2027, 1, 1, tzinfo=SHANGHAI)),
            ],
        )
        proposed, paid = cursor.fetchone()
    return Decimal(str(proposed)), Decimal(str(paid))


def sql_months(office: Organization) -> dict[str, int]:
    """Tips received per Asia/Shanghai month, each month's bounds written out in UTC."""
    found = {}
    with connection.cursor() as cursor:
        for month in range(1, 13):
            start = datetime(2026, month, 1, tzinfo=SHANGHAI)
            end = datetime(2026 + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
            cursor.execute(
                """
                SELECT COUNT(*) FROM tips_tip t JOIN orgs_organization o ON o.id = t.office_id
                WHERE o.path LIKE %s AND t.received_at >= %s AND t.received_at < %s
                  AND t.state <> 'merged'
                """,
                [
                    office.path + "%",
                    connection.ops.adapt_datetimefield_value(start.astimezone(UTC)),
                    connection.ops.adapt_datetimefield_value(end.astimezone(UTC)),
                ],
            )
            found[f"2026-{month:02d}"] = cursor.fetchone()[0]
    return found


def rate(counts: list[int]) -> str:
    accepted, verified = counts[1], counts[2]
    if not accepted:
        return "—"
    return str((Decimal(100 * verified) / accepted).quantize(Decimal("0.1")))


def as_row(counts: list[int]) -> list[str]:
    received, accepted, verified, overdue, exposed = counts
    return [str(received), str(accepted), str(verified), rate(counts), str(overdue), str(exposed)]


def test_one_truth_per_figure_page_xlsx_and_sql(county, tips, login):
    office = login(county.office_admin)
    with time_machine.travel(NOW, tick=False):
        page = office.get(reverse("tips:tip_stats")).content.decode()
        workbook = load_workbook(io.BytesIO(office.get(reverse("tips:tip_stats_xlsx")).content))

    by_category = sql_counts(county.county, "category", ON)
    total = [sum(column) for column in zip(*by_category.values(), strict=True)]
    days = sql_closing_days(county.county)
    proposed, paid = sql_rewards(county.county)
    headline = page_figures(page)
    assert headline == {
        "received": str(total[0]),
        "verified_rate": rate(total) + "%",
        "overdue": str(total[3]),
        "exposed": str(total[4]),
        "mean_days": f"{Decimal(statistics.mean(days)):.1f}",
        "median_days": f"{statistics.median(days):.1f}",
        "rewards_proposed": f"{proposed:.2f}",
        "rewards_paid": f"{paid:.2f}",
        "merged": "1",
    }
    summary = [row[1] for row in workbook.worksheets[0].iter_rows(min_row=4, values_only=True)]
    assert summary == [
        total[0],
        total[1],
        total[2],
        float(rate(total)),
        total[3],
        total[4],
        len(days),
        float(f"{Decimal(statistics.mean(days)):.1f}"),
        statistics.median(days),
        proposed,
        paid,
        1,
    ]

    sheets = dict(
        zip(
            ["region", "category", "channel", "month", "state"],
            workbook.worksheets[1:],
            strict=True,
        )
    )
    for key in sheets:
        shown = page_table(page, key)
        in_xlsx = [
            [number(v) for v in row[1:]]
            for row in sheets[key].iter_rows(min_row=2, values_only=True)
        ]
        on_page = [[number(v) for v in values] for _key, values in shown]
        assert in_xlsx[:-1] == on_page, key  # then the total
        assert in_xlsx[-1] == [number(v) for v in as_row(total)]
        if key in ("category", "channel", "state"):
            in_sql = sql_counts(county.county, key, ON)
            assert dict(shown) == {k: as_row(in_sql.get(k, [0] * 5)) for k, _v in shown}, key
    months = {k: int(v[0]) for k, v in page_table(page, "month")}
    assert months == sql_months(county.county)
    towns = dict(page_table(page, "region"))
    assert towns[str(county.town.pk)][0] == "6"
    assert towns[str(county.other_town.pk)][0] == "3"


def test_the_page_draws_three_charts_and_drills_down_by_region(county, tips, login):
    city_office = factories.person(county.county.parent, Role.OFFICE_STAFF, "citystaff")
    with time_machine.travel(NOW, tick=False):
        page = login(city_office).get(reverse("tips:tip_stats")).content.decode()

    assert 'src="/static/vendor/echarts/echarts.min.js"' in page
    assert re.findall(r'id="chart-(\w+)-data"', page) == [
        "months",
        "categories",
        "regions",
    ]
    county_link = f"?office={county.county.pk}&amp;start=2026-01-01&amp;end=2026-12-31"
    assert f'<a href="/tips/statistics/{county_link}">高台县</a>' in page
    with time_machine.travel(NOW, tick=False):
        county_page = login(county.office_admin).get(reverse("tips:tip_stats"))
    assert f'<tr data-key="{county.town.pk}"><th scope="row">城关镇</th>' in (
        county_page.content.decode()
    )
    with time_machine.travel(NOW, tick=False):
        below = login(city_office).get(f"/tips/statistics/{county_link.replace('&amp;', '&')}")
    assert below.context["office"] == county.county
    assert 'id="level-up"' in below.content.decode()


def test_the_outsider_sees_only_its_own_county(county, tips, login):
    outsider = login(county.outsider)
    with time_machine.travel(NOW, tick=False):
        own = outsider.get(reverse("tips:tip_stats"))
        asked = outsider.get(reverse("tips:tip_stats") + f"?office={county.county.pk}")
        xlsx = outsider.get(reverse("tips:tip_stats_xlsx") + f"?office={county.county.pk}")

    assert own.context["office"].name == "临泽县"
    assert own.context["figures"].received == 1
    assert "城关镇" not in own.content.decode()
    assert (asked.status_code, xlsx.status_code) == (404, 404)


def test_a_wrong_range_says_so(county, login):
    office = login(county.office_admin)

    backwards = office.get(reverse("tips:tip_stats") + "?start=2026-07-01&end=2026-06-01")
    nonsense = office.get(reverse("tips:tip_stats_xlsx") + "?start=someday")

    assert backwards.status_code == 400
    assert 'id="range-errors"' in backwards.content.decode()
    assert "结束日期早于开始日期" in backwards.content.decode()
    assert nonsense.status_code == 400
    assert nonsense["Content-Type"].startswith("text/html")


def test_the_default_range_is_this_calendar_year(county, login):
    with time_machine.travel(NOW, tick=False):
        page = login(county.office_admin).get(reverse("tips:tip_stats"))

    figures = page.context["figures"]
    assert (figures.start, figures.end, figures.on) == (date(2026, 1, 1), date(2026, 12, 31), ON)
    assert 'id="no-tips"' in page.content.decode()


def test_the_page_costs_the_same_queries_for_one_tip_and_for_three(
    county, login, django_assert_num_queries
):
    office = login(county.office_admin)
    filed(county.town, shanghai(6, 5))
    with time_machine.travel(NOW, tick=False):
        office.get(reverse("tips:tip_stats"))  # sessions and caches warm
        # session, person, memberships, then the figures' four: figures, regions, days, money
        with django_assert_num_queries(8) as one:
            office.get(reverse("tips:tip_stats"))
    filed(county.other_town, shanghai(6, 6), category="illegal_operation")
    filed(county.enterprise, shanghai(7, 6), channel="phone", state=State.VERIFYING)
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(len(one.captured_queries)):
        page = office.get(reverse("tips:tip_stats"))
    assert page.context["figures"].received == 3


def test_the_campaign_statistics_count_the_tips_of_its_period(county, tips, login):
    page = login(county.office_admin).get(
        reverse("rollup:statistics_table", args=[county.campaign.pk])
    )

    line = page.content.decode().split('id="campaign-tips">')[1].split("</p>")[0]
    # June: six tips (the merged one once, in its tip; 1 July's and May's are outside).
    assert line.startswith("活动期间收到举报 6 件，核查办结 3 件，列入媒体曝光 1 件。")
    assert f"?office={county.county.pk}&amp;start=2026-06-01&amp;end=2026-06-30" in line
    reviewer = login(county.reviewer).get(
        reverse("rollup:statistics_table", args=[county.campaign.pk])
    )
    assert "活动期间收到举报 6 件" in reviewer.content.decode()
    assert "/tips/statistics/" not in reviewer.content.decode()  # not the reviewer's page


def test_the_excel_file_is_named_for_the_office_and_range(county, tips, login):
    with time_machine.travel(NOW, tick=False):
        response = login(county.office_admin).get(
            reverse("tips:tip_stats_xlsx") + "?start=2026-06-01&end=2026-06-30"
        )

    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''"
        + "%E4%B8%BE%E6%8A%A5-%E9%AB%98%E5%8F%B0%E5%8E%BF-20260601-20260630.xlsx"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0]["B4"].value == 6


def test_only_overdue_moves_with_the_day_the_figures_are_asked_on(county, tips):
    """The campaign's figures do not move with the day they are looked at, but overdue."""
    june = {"start": date(2026, 6, 1), "end": date(2026, 6, 30)}
    early = tip_figures(county.county, on=ON, **june)
    late = tip_figures(county.county, on=ON + timedelta(days=60), **june)

    assert (early.received, early.verified, early.exposed) == (late.received, late.verified, 1)
    assert (early.overdue, late.overdue) == (3, 4)


def test_a_hostile_unit_name_is_text_in_the_excel_file(county, tips, login):
    Organization.objects.filter(pk=county.town.pk).update(name='=HYPERLINK("http://x")')
    with time_machine.travel(NOW, tick=False):
        response = login(county.office_admin).get(reverse("tips:tip_stats_xlsx"))

    regions = load_workbook(io.BytesIO(response.content)).worksheets[1]
    assert regions["A2"].value == '\'=HYPERLINK("http://x")'
    assert regions["A2"].data_type == "s"
