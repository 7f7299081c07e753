"""One truth per figure (issue 10): a city over two counties over their towns, with the
city's own unit reporting beside them; late, missing, returned and resubmitted reports.
Every page, export and API answer that shows a figure of the city's (or of a county's)
shows the same figure, equal to a raw SQL count written here."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.campaigns.models import Campaign, Participant, Period
from anxuan.campaigns.selectors import due_for_liaison
from anxuan.exports.enums import ExportKind
from anxuan.exports.exporters import EXPORTERS
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports import services
from anxuan.reports.drafts import ReportDraft
from anxuan.reports.models import Submission
from anxuan.rollup.board import percent_text
from anxuan.rollup.figures import campaign_figures
from anxuan.rollup.upward import upward_draft
from tests import factories
from tests.api.conftest import ApiClient, token_for

AFTER_JUNE = datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI)
BOARDS, LEAFLETS = "宣传展板", "发放宣传资料"


def _submit(liaison, campaign, organization, period, *, day, hour, activities=(), values=None):
    participant = campaign.participants.get(organization=organization)
    draft = {
        "activities": [
            {
                "held_on": date(2026, 6, max(day - 1, 1)).isoformat(),
                "activity_type": kind,
                "domain": domain,
                "people_reached": people,
            }
            for kind, domain, people in activities
        ],
        "values": {
            str(period.requirement.indicators.get(name=k).pk): v for k, v in (values or {}).items()
        },
    }
    submission = factories.report(liaison, participant, period, **draft)
    with time_machine.travel(datetime(2026, 6, day, hour, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=liaison, submission=submission)
    return submission


def boards_of(submission) -> int:
    return submission.requirement.indicators.get(name=BOARDS).pk


def _period(campaign, kind, number=1) -> Period:
    return campaign.requirements.get(kind=kind).periods.get(number=number)


@pytest.fixture
def tree(county, city, county_campaign):
    """张掖市 → 高台县 (城关镇, 宣化镇) and 临泽县 (沙河镇), and the city's own 市应急管理局."""
    city_office = city.owner.memberships.get().person
    neighbour = county.outsider.memberships.get().organization
    shahe = factories.org("沙河镇", OrgKind.TOWN, neighbour)
    shahe_liaison = factories.person(shahe, Role.LIAISON, "shahe")
    linze = campaign_services.create_linked_campaign(
        actor=county.outsider, parent=city, owner=neighbour
    )
    campaign_services.add_participants(
        actor=county.outsider, campaign=linze, organizations=[shahe], joined_on=linze.starts_on
    )
    bureau = factories.org("市应急管理局", OrgKind.DEPARTMENT, city.owner)
    bureau_liaison = factories.person(bureau, Role.LIAISON, "bureau")
    campaign_services.add_participants(
        actor=city_office, campaign=city, organizations=[bureau], joined_on=city.starts_on
    )
    weekly, stats = RequirementKind.WEEKLY, RequirementKind.STATISTICS
    # 城关镇: week 1 on time with two activities; statistics accepted.
    _submit(
        county.town_liaison, county_campaign, county.town, _period(county_campaign, weekly),
        day=3, hour=9, activities=[("主题宣讲", "进企业", 120), ("应急演练", "进学校", 300)],
    )  # fmt: skip
    town_stats = _submit(
        county.town_liaison, county_campaign, county.town, _period(county_campaign, stats),
        day=30, hour=9, values={BOARDS: "5", LEAFLETS: "800"},
    )  # fmt: skip
    services.accept_submission(actor=county.office_admin, submission=town_stats)
    # 宣化镇: week 1 late, week 2 missing; statistics returned, resubmitted, not yet accepted.
    _submit(
        county.other_liaison, county_campaign, county.other_town, _period(county_campaign, weekly),
        day=4, hour=15, activities=[("主题宣讲", "进社区", 40)],
    )  # fmt: skip
    other_stats = _submit(
        county.other_liaison, county_campaign, county.other_town, _period(county_campaign, stats),
        day=29, hour=9, values={BOARDS: "2"},
    )  # fmt: skip
    services.return_submission(actor=county.office_admin, submission=other_stats, reason="补数")
    services.save_draft(
        actor=county.other_liaison, participant=other_stats.participant,
        requirement=other_stats.requirement, period=other_stats.period,
        draft=ReportDraft(text="补报", values={boards_of(other_stats): 3}),
        submission=other_stats,
    )  # fmt: skip
    with time_machine.travel(datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=county.other_liaison, submission=other_stats)
    # 沙河镇: week 1 returned and resubmitted (the new version's activity counts); statistics
    # accepted.
    shahe_week = _submit(
        shahe_liaison, linze, shahe, _period(linze, weekly),
        day=3, hour=10, activities=[("新闻宣传", "进农村", 1000)],
    )  # fmt: skip
    services.return_submission(actor=county.outsider, submission=shahe_week, reason="照片不清")
    services.save_draft(
        actor=shahe_liaison, participant=shahe_week.participant,
        requirement=shahe_week.requirement, period=shahe_week.period,
        draft=ReportDraft.from_stored({"text": "重报", "activities": [
            {"held_on": "2026-06-02", "activity_type": "新闻宣传", "domain": "进农村",
             "people_reached": 900},
            {"held_on": "2026-06-02", "activity_type": "警示教育", "domain": "",
             "people_reached": 50},
        ]}),
        submission=shahe_week,
    )  # fmt: skip
    with time_machine.travel(datetime(2026, 6, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=shahe_liaison, submission=shahe_week)
    shahe_stats = _submit(
        shahe_liaison, linze, shahe, _period(linze, stats), day=30, hour=11, values={BOARDS: "7"}
    )
    services.accept_submission(actor=county.outsider, submission=shahe_stats)
    # The city's own unit: week 1 on time; statistics accepted.
    _submit(
        bureau_liaison, city, bureau, _period(city, weekly),
        day=4, hour=11, activities=[("动员启动", "进企业", 60)],
    )  # fmt: skip
    bureau_stats = _submit(
        bureau_liaison, city, bureau, _period(city, stats),
        day=30, hour=12, values={BOARDS: "11", LEAFLETS: "200"},
    )  # fmt: skip
    services.accept_submission(actor=city_office, submission=bureau_stats)
    return city


def one(sql: str, params: list) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (value,) = cursor.fetchone()
    found = Decimal(value or 0)
    return found.to_integral() if found == found.to_integral() else found  # 23, not 23.00


SELF_REPORTING = """
    FROM campaigns_participant p
    JOIN campaigns_campaign c ON c.id = p.campaign_id
    WHERE c.lineage LIKE %s AND NOT c.archived AND NOT EXISTS (
        SELECT 1 FROM campaigns_campaign k
        WHERE k.parent_id = p.campaign_id AND k.owner_id = p.organization_id AND NOT k.archived)
"""
EXPECTED = """
    FROM campaigns_participant p
    JOIN campaigns_campaign c ON c.id = p.campaign_id
    JOIN campaigns_requirement r ON r.campaign_id = c.id
    JOIN campaigns_period pe ON pe.requirement_id = r.id
    LEFT JOIN reports_submission s
        ON s.participant_id = p.id AND s.period_id = pe.id AND s.state <> 'draft'
    WHERE c.lineage LIKE %s AND NOT c.archived AND p.joined_on <= {due_day}
      AND r.schedule <> 'anytime' AND r.kind <> 'liaison_form' AND NOT EXISTS (
        SELECT 1 FROM campaigns_campaign k
        WHERE k.parent_id = p.campaign_id AND k.owner_id = p.organization_id AND NOT k.archived)
"""
LATEST = """
    FROM reports_submission s
    JOIN reports_submissionversion v ON v.submission_id = s.id
    JOIN campaigns_participant p ON p.id = s.participant_id
    JOIN campaigns_campaign c ON c.id = p.campaign_id
    WHERE c.lineage LIKE %s AND s.period_id IS NOT NULL AND s.state <> 'draft'
      AND v.number = (SELECT MAX(number) FROM reports_submissionversion w
                      WHERE w.submission_id = s.id)
"""


def raw_figures(campaign: Campaign) -> dict[str, Decimal]:
    """The campaign's figures over every unit reporting in and below it, in plain SQL."""
    below = [f"{campaign.lineage}%"]
    # A unit is expected from the day it joined, the deadline's day taken in Asia/Shanghai.
    due_day = (
        "date(pe.due_at, '+8 hours')"
        if connection.vendor == "sqlite"
        else "(pe.due_at AT TIME ZONE 'Asia/Shanghai')::date"
    )
    expected = EXPECTED.format(due_day=due_day)
    activities = LATEST.replace(
        "WHERE", "JOIN reports_activityrecord a ON a.version_id = v.id WHERE", 1
    )
    figures = {
        "units": one(f"SELECT COUNT(*) {SELF_REPORTING}", below),
        "expected": one(f"SELECT COUNT(*) {expected}", below),
        "reported": one(f"SELECT COUNT(s.id) {expected}", below),
        "timely": one(
            f"SELECT SUM(CASE WHEN s.timeliness = 'on_time' THEN 1 ELSE 0 END) {expected}", below
        ),
        "accepted": one(
            f"SELECT SUM(CASE WHEN s.state = 'accepted' THEN 1 ELSE 0 END) {expected}", below
        ),
        "activities": one(f"SELECT COUNT(*) {activities}", below),
        "people": one(f"SELECT SUM(a.people_reached) {activities}", below),
    }
    for name in (BOARDS, LEAFLETS):
        figures[name] = one(
            "SELECT SUM(iv.value) "
            + LATEST.replace(
                "WHERE",
                "JOIN reports_indicatorvalue iv ON iv.version_id = v.id "
                "JOIN campaigns_indicator i ON i.id = iv.indicator_id WHERE",
                1,
            )
            + " AND s.state = 'accepted' AND i.name = %s",
            [*below, name],
        )
    return figures


def test_every_page_export_and_api_answer_shows_the_same_figures(
    tree, county, county_campaign, login
):
    city = tree
    city_office = city.owner.memberships.get().person
    raw = raw_figures(city)
    # The tree is what the docstring says: four units, 宣化镇's week 2 missing, 3 of them late.
    assert raw["units"] == 4
    assert raw["reported"] < raw["expected"]
    assert raw["timely"] < raw["reported"]
    assert 0 < raw["accepted"] < raw["reported"]
    assert raw["activities"] == 6  # 沙河镇's second version, not its first
    assert (raw[BOARDS], raw[LEAFLETS]) == (5 + 7 + 11, 800 + 200)
    reporting = percent_text(float(raw["reported"] / raw["expected"]))
    timely = percent_text(float(raw["timely"] / raw["expected"]))
    board_i = city.indicators.get(name=BOARDS)

    with time_machine.travel(AFTER_JUNE, tick=False):
        figures = campaign_figures(city)
        assert figures.units == raw["units"]
        overall = figures.overall
        assert (overall.expected, overall.reported, overall.timely, overall.accepted) == (
            raw["expected"],
            raw["reported"],
            raw["timely"],
            raw["accepted"],
        )
        assert (overall.late, overall.missing) == (
            raw["reported"] - raw["timely"],
            raw["expected"] - raw["reported"],
        )
        assert figures.total("a") == raw["activities"]
        assert figures.total("p") == raw["people"]
        assert figures.total(f"i:{board_i.pk}") == raw[BOARDS]

        office = login(city_office)
        rollup = office.get(reverse("rollup:rollup", args=[city.pk])).content.decode()
        assert f'id="overall-reporting">{reporting}<' in rollup
        assert f'id="overall-timely">{timely}<' in rollup
        assert f"应报 {raw['expected']} 份，已报 {raw['reported']} 份" in rollup
        assert f'id="overall-accepted">，已采用 {raw["accepted"]} 份<' in rollup
        rollup_totals = cells(rollup, "rollup-statistics", "tfoot")
        assert rollup_totals[:2] == [str(raw["activities"]), str(raw["people"])]
        assert str(raw[BOARDS]) in rollup_totals

        dashboard = office.get(reverse("dashboards:dashboard", args=[city.pk]))
        kpis = dashboard.context["dashboard"].kpis
        assert (kpis["reporting"], kpis["timeliness"]) == (reporting, timely)
        assert (kpis["units"], kpis["activities"], kpis["people"]) == (
            raw["units"],
            raw["activities"],
            raw["people"],
        )

        page = office.get(reverse("rollup:statistics_table", args=[city.pk])).content.decode()
        totals = cells(page, "statistics", "tfoot")
        columns = list(city.indicators.order_by("campaignindicator__order"))
        assert totals[columns.index(board_i)] == str(raw[BOARDS])
        assert totals[columns.index(city.indicators.get(name=LEAFLETS))] == str(raw[LEAFLETS])

        sheet = workbook(city, ExportKind.STATISTICS, {"basis": "accepted"})
        total_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "合计")
        assert total_row[1 + columns.index(board_i)] == raw[BOARDS]

        summary = summary_text(city)
        assert (
            f"参加单位 {raw['units']} 个；应报送 {raw['expected']} 份，"
            f"已报送 {raw['reported']} 份，报送率 {reporting}，及时率 {timely}。"
            f"各单位报告记录活动 {raw['activities']} 场次，"
            f"覆盖 {raw['people']} 人次。"
        ) in summary

        api = ApiClient(token_for(city_office)).get(f"/campaigns/{city.pk}/statistics").json()
        api_columns = [i["id"] for i in api["indicators"]]
        assert Decimal(api["totals"][api_columns.index(board_i.pk)]) == raw[BOARDS]

        # A level down: the county's own figures, and what it reports upward.
        county_raw = raw_figures(county_campaign)
        text = upward_draft(county_campaign, _period(city, RequirementKind.STATISTICS)).text
        county_rate = percent_text(float(county_raw["reported"] / county_raw["expected"]))
        assert (
            f"参加单位 {county_raw['units']} 个，应报送 {county_raw['expected']} 份，"
            f"已报送 {county_raw['reported']} 份，报送率 {county_rate}"
        ) in text
        county_row = next(r for r in figures.rows if r.child == county_campaign)
        assert county_row.rate.expected == county_raw["expected"]
        assert county_row.value("a") == county_raw["activities"]


def cells(page: str, table_id: str, part: str) -> list[str]:
    """The text of the cells of a table's thead/tbody/tfoot, first row's <td>s."""
    table = page[page.index(f'id="{table_id}"') :]
    section = table[table.index(f"<{part}>") : table.index(f"</{part}>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", section)]


def workbook(campaign, kind, options):
    out = io.BytesIO()
    EXPORTERS[kind].write(campaign, options, out, lambda *_: None)
    return load_workbook(io.BytesIO(out.getvalue())).active


def summary_text(campaign) -> str:
    out = io.BytesIO()
    EXPORTERS[ExportKind.SUMMARY].write(campaign, {}, out, lambda *_: None)
    return "\n".join(p.text for p in Document(io.BytesIO(out.getvalue())).paragraphs)


def test_a_unit_joining_on_a_deadline_day_before_eight_is_expected_that_day(county):
    """A deadline at 07:00 in Asia/Shanghai falls on the day before in UTC: a unit that
    joined that morning is still expected for it, on its home page as on the board."""
    period = _period(county.campaign, RequirementKind.WEEKLY)
    period.due_at = datetime(2026, 6, 4, 7, 0, tzinfo=SHANGHAI)
    period.save()
    Participant.objects.filter(pk=county.participant.pk).update(joined_on=date(2026, 6, 4))

    with time_machine.travel(datetime(2026, 6, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        due = due_for_liaison(county.town_liaison)

    assert period in [row["period"] for row in due]


@pytest.mark.parametrize(("aggregation", "expected"), [("max", 5), ("latest", 3), ("sum", 8)])
def test_a_countys_indicator_combines_per_unit_by_its_aggregation_up_the_tree(
    county, city, county_campaign, aggregation, expected
):
    """A town reports 5 in week 1 and 3 in week 2: the city counts the county's town as 5
    (maximum), 3 (latest) or 8 (sum), as the county's own statistics table does."""
    indicator = campaign_services.save_indicator(
        actor=county.office_admin,
        owner=county.county,
        name="在岗安全员",
        unit="人",
        category="队伍",
        aggregation=aggregation,
        description="",
    )
    weekly = county_campaign.requirements.get(kind=RequirementKind.WEEKLY)
    campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county_campaign,
        requirement=weekly,
        indicators=[*weekly.indicators.all(), indicator],
    )
    for number, (value, day) in enumerate([("5", 3), ("3", 10)], 1):
        period = _period(county_campaign, RequirementKind.WEEKLY, number)
        report = _submit(
            county.town_liaison, county_campaign, county.town, period,
            day=day, hour=9, values={indicator.name: value},
        )  # fmt: skip
        services.accept_submission(actor=county.office_admin, submission=report)

    with time_machine.travel(AFTER_JUNE, tick=False):
        city_row = next(r for r in campaign_figures(city).rows if r.child == county_campaign)
        own_row = next(
            r
            for r in campaign_figures(county_campaign).rows
            if r.participant.organization == county.town
        )

    assert city_row.value(f"i:{indicator.pk}") == expected
    assert own_row.value(f"i:{indicator.pk}") == expected


WITHOUT_FIGURES = """
    SELECT o.name FROM campaigns_participant p
    JOIN orgs_organization o ON o.id = p.organization_id
    LEFT JOIN campaigns_campaign k
        ON k.parent_id = p.campaign_id AND k.owner_id = p.organization_id AND NOT k.archived
    WHERE p.campaign_id = %s AND NOT EXISTS (
        SELECT 1 FROM reports_indicatorvalue iv
        JOIN reports_submissionversion v ON v.id = iv.version_id
        JOIN reports_submission s ON s.id = v.submission_id
        JOIN campaigns_participant q ON q.id = s.participant_id
        JOIN campaigns_campaign c ON c.id = q.campaign_id
        WHERE s.period_id IS NOT NULL AND s.state IN ({states})
          AND v.number = (SELECT MAX(number) FROM reports_submissionversion w
                          WHERE w.submission_id = s.id)
          AND NOT EXISTS (
            SELECT 1 FROM campaigns_campaign j
            WHERE j.parent_id = q.campaign_id AND j.owner_id = q.organization_id
              AND NOT j.archived)
          AND ((k.id IS NULL AND q.id = p.id)
               OR (k.id IS NOT NULL AND c.lineage LIKE k.lineage || '%%')))
"""


def raw_without_figures(campaign: Campaign, basis: str) -> set[str]:
    """The campaign's participants with no indicator value in the latest version of any
    counted report of theirs (or, for a unit running a linked campaign, of any unit
    reporting in and below it)."""
    states = "'accepted'" if basis == "accepted" else "'submitted', 'resubmitted', 'accepted'"
    with connection.cursor() as cursor:
        cursor.execute(WITHOUT_FIGURES.format(states=states), [campaign.pk])
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def gaps(tree, county):
    """Beside the tree: 肃南县's campaign under the city, whose one town reported 0 display
    boards (accepted); 市教育局 in the city's own campaign, reporting nothing."""
    city = tree
    city_office = city.owner.memberships.get().person
    sunan = factories.org("肃南县", OrgKind.COUNTY, city.owner)
    sunan_office = factories.person(sunan, Role.OFFICE_ADMIN, "sunan")
    education = factories.org("市教育局", OrgKind.DEPARTMENT, city.owner)
    campaign_services.add_participants(
        actor=city_office, campaign=city, organizations=[sunan, education],
        joined_on=city.starts_on,
    )  # fmt: skip
    sunan_campaign = campaign_services.create_linked_campaign(
        actor=sunan_office, parent=city, owner=sunan
    )
    hongwan = factories.org("红湾寺镇", OrgKind.TOWN, sunan)
    hongwan_liaison = factories.person(hongwan, Role.LIAISON, "hongwan")
    campaign_services.add_participants(
        actor=sunan_office, campaign=sunan_campaign, organizations=[hongwan],
        joined_on=sunan_campaign.starts_on,
    )  # fmt: skip
    zero = _submit(
        hongwan_liaison, sunan_campaign, hongwan,
        _period(sunan_campaign, RequirementKind.STATISTICS), day=30, hour=9, values={BOARDS: "0"},
    )  # fmt: skip
    services.accept_submission(actor=sunan_office, submission=zero)
    return city


def test_a_unit_without_figures_reads_not_reported_and_a_reported_zero_stays_zero(
    gaps, county, county_campaign, login
):
    """On the accepted basis 宣化镇 (its statistics resubmitted, not accepted) and 市教育局
    (nothing) sent no figures; 肃南县 (its town's 0, accepted) reported 0. The selector, the
    page, the .xlsx and the API say so, as the raw SQL does; the submitted basis counts
    宣化镇's 3."""
    city = gaps
    city_office = city.owner.memberships.get().person
    raw = {
        (campaign.pk, basis): raw_without_figures(campaign, basis)
        for campaign in (city, county_campaign)
        for basis in ("accepted", "submitted")
    }
    assert raw == {
        (city.pk, "accepted"): {"市教育局"},
        (city.pk, "submitted"): {"市教育局"},
        (county_campaign.pk, "accepted"): {"宣化镇"},
        (county_campaign.pk, "submitted"): set(),
    }
    board_i = city.indicators.get(name=BOARDS)
    columns = list(city.indicators.order_by("campaignindicator__order"))
    boards_at = columns.index(board_i)

    with time_machine.travel(AFTER_JUNE, tick=False):
        for campaign in (city, county_campaign):
            for basis in ("accepted", "submitted"):
                figures = campaign_figures(campaign, basis=basis)
                silent = {r.participant.organization.name for r in figures.not_reported}
                assert silent == raw[campaign.pk, basis]
        sunan_row = next(
            r for r in campaign_figures(city).rows if r.participant.organization.name == "肃南县"
        )
        assert (sunan_row.reported_figures, sunan_row.value(f"i:{board_i.pk}")) == (True, 0)

        office = login(city_office)
        page = office.get(reverse("rollup:statistics_table", args=[city.pk])).content.decode()
        assert row_cells(page, "市教育局") == ["未报送"] * len(columns)
        assert row_cells(page, "肃南县")[boards_at] == "0"
        assert 'id="not-reported">未报送单位 1 个：市教育局<' in page

        sheet = workbook(city, ExportKind.STATISTICS, {"basis": "accepted"})
        rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=5, values_only=True)}
        assert list(rows["市教育局"]) == ["未报送"] * len(columns)
        assert rows["肃南县"][boards_at] == 0
        assert rows["未报送单位"] == ("1 个：市教育局", *[None] * (len(columns) - 1))

        county_office = login(county.office_admin)
        county_page = county_office.get(
            reverse("rollup:statistics_table", args=[county_campaign.pk])
        ).content.decode()
        assert row_cells(county_page, "宣化镇") == ["未报送"] * len(columns)
        upward = upward_draft(county_campaign, _period(city, RequirementKind.STATISTICS)).text
        assert upward.endswith("未报送统计数据的单位 1 个：宣化镇。")
        submitted_page = county_office.get(
            reverse("rollup:statistics_table", args=[county_campaign.pk]) + "?basis=submitted"
        ).content.decode()
        assert row_cells(submitted_page, "宣化镇")[boards_at] == "3"
        assert 'id="not-reported"' not in submitted_page

        api = ApiClient(token_for(city_office)).get(f"/campaigns/{city.pk}/statistics").json()
        api_rows = {r["participant"]["organization"]["name"]: r for r in api["rows"]}
        assert (api_rows["市教育局"]["reported"], api_rows["市教育局"]["values"]) == (
            False,
            [None] * len(columns),
        )
        assert api_rows["肃南县"]["reported"] is True
        assert Decimal(api_rows["肃南县"]["values"][boards_at]) == 0
        assert api["not_reported"] == 1


def row_cells(page: str, unit: str) -> list[str]:
    """The text of the <td>s of the statistics table's row for a unit."""
    table = page[page.index('id="statistics"') :]
    row = table[table.index(f'data-unit="{unit}"') :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


CONFIRMED = """
    SELECT COUNT(*) FROM integrity_flag f
    JOIN campaigns_campaign c ON c.id = f.campaign_id
    WHERE f.state = 'confirmed' AND c.lineage LIKE %s AND (c.id = %s OR NOT c.archived)
"""
AWAITING = CONFIRMED.replace("f.state = 'confirmed'", "f.state IN ('open', 'explained')")
CONFIRMED_OF_UNIT = """
    SELECT COUNT(*) FROM integrity_flag f
    JOIN campaigns_participant p ON p.id = f.participant_id
    JOIN orgs_organization o ON o.id = p.organization_id
    WHERE f.state = 'confirmed' AND f.campaign_id = %s AND o.name = %s
"""


def _flag(submission, number: int, *, decide=None, state="open"):
    """A flag as the worker raises it on the submission's latest version; `decide` (the
    office) confirms or dismisses it through the service."""
    from anxuan.integrity import services as integrity
    from anxuan.integrity.models import Flag

    flag = Flag.objects.create(
        kind="same_figures", severity="medium", pair=f"test:{submission.pk}:{number}",
        campaign=submission.participant.campaign, participant=submission.participant,
        submission=submission, version=submission.versions.order_by("-number").first(),
    )  # fmt: skip
    if state == "confirmed":
        integrity.confirm(actor=decide, flag=flag, reason="与上周数字完全相同，经核实未开展")
    elif state == "dismissed":
        integrity.dismiss(actor=decide, flag=flag, reason="联合开展，属实")
    return flag


def test_confirmed_formalism_flags_read_the_same_on_the_board_the_dashboard_and_the_api(
    tree, county, county_campaign, login
):
    """城关镇: 2 confirmed, 1 dismissed; 宣化镇: 1 confirmed, 1 open; 沙河镇 (临泽县): 1
    confirmed; 市应急管理局: 1 confirmed, 1 open. Each county's board, its .xlsx and the API
    show each unit's confirmed count; the city's dashboard counts every unit below it."""
    city = tree
    city_office = city.owner.memberships.get().person
    sent = Submission.objects.exclude(state="draft").select_related("participant__organization")
    of = {s.participant.organization.name: s for s in sent.order_by("pk")}
    for n, state in enumerate(["confirmed", "confirmed", "dismissed"]):
        _flag(of["城关镇"], n, decide=county.office_admin, state=state)
    for n, state in enumerate(["confirmed", "open"]):
        _flag(of["宣化镇"], n, decide=county.office_admin, state=state)
    _flag(of["沙河镇"], 0, decide=county.outsider, state="confirmed")
    for n, state in enumerate(["confirmed", "open"]):
        _flag(of["市应急管理局"], n, decide=city_office, state=state)
    raw_city = (
        one(CONFIRMED, [f"{city.lineage}%", city.pk]),
        one(AWAITING, [f"{city.lineage}%", city.pk]),
    )
    raw_units = {
        name: one(CONFIRMED_OF_UNIT, [county_campaign.pk, name]) for name in ("城关镇", "宣化镇")
    }
    assert raw_city == (5, 2)
    assert raw_units == {"城关镇": 2, "宣化镇": 1}
    header = "疑似形式主义（已确认）"

    with time_machine.travel(AFTER_JUNE, tick=False):
        office = login(county.office_admin)
        page = office.get(
            reverse("rollup:completeness_board", args=[county_campaign.pk])
        ).content.decode()
        assert f'data-column="integrity.confirmed">{header}</th>' in page
        for name, n in raw_units.items():
            assert board_cells(page, name)[-1] == str(n)

        sheet = workbook(county_campaign, ExportKind.BOARD, {"requirement": None, "only": ""})
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[2][-1] == header
        by_unit = {r[0]: r[-1] for r in rows[4:]}
        assert {name: by_unit[name] for name in raw_units} == raw_units
        assert by_unit["合计"] == sum(raw_units.values())

        api = ApiClient(token_for(county.office_admin))
        board = api.get(f"/campaigns/{county_campaign.pk}/board").json()
        assert board["columns"] == [{"name": "integrity.confirmed", "header": header}]
        api_rows = {r["participant"]["organization"]["name"]: r["extra"] for r in board["rows"]}
        assert {name: api_rows[name] for name in raw_units} == {
            name: [n] for name, n in raw_units.items()
        }

        city_page = login(city_office).get(reverse("dashboards:dashboard", args=[city.pk]))
        kpis = city_page.context["dashboard"].kpis
        assert (kpis["flags_confirmed"], kpis["flags_open"]) == raw_city
        assert f'id="kpi-flags-confirmed">{raw_city[0]}<' in city_page.content.decode()
        # The city's board counts the flags of its own unit; a county's are on its board.
        city_board = login(city_office).get(reverse("rollup:completeness_board", args=[city.pk]))
        city_page_text = city_board.content.decode()
        assert board_cells(city_page_text, "市应急管理局")[-1] == str(
            one(CONFIRMED_OF_UNIT, [city.pk, "市应急管理局"])
        )
        assert board_cells(city_page_text, "高台县")[-1] == "0"


def board_cells(page: str, unit: str) -> list[str]:
    """The text of the <td>s of the board's row for a unit."""
    table = page[page.index('id="board"') :]
    row = table[table.index(f'data-unit="{unit}"') :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
