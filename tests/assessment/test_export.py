"""The scoring tables export in the office's layout, with the scores page's numbers; only
the organising office may start it."""

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from anxuan.assessment import services
from anxuan.assessment.models import Item
from anxuan.assessment.services import Entry
from anxuan.campaigns.enums import RequirementKind
from tests.assessment.test_sheets import period_of, send, when
from tests.exports.test_exports import export
from tests.reports.evidence import pdf


def test_the_scoring_tables_show_the_pages_numbers_in_the_offices_layout(county, login):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    organisation = Item.objects.get(section__rubric=rubric, title="成立专门活动组织机构")
    plan = period_of(county.campaign, RequirementKind.PLAN)
    send(county.town_liaison, county.participant, plan, when(6, 1, 18, 0, 1), files=[pdf()])
    services.self_score(
        actor=county.town_liaison,
        participant=county.participant,
        entries=[Entry(organisation, Decimal(4), "县委发文成立组委会")],
    )
    services.assess(
        actor=county.office_admin,
        participant=county.participant,
        entries=[Entry(organisation, Decimal(3), "分工不够具体")],
    )
    office = login(county.office_admin)
    page = office.get(reverse("assessment:scores", args=[county.campaign.pk])).content.decode()
    town_total = page.split('data-unit="城关镇"')[1].split('class="total">')[1].split("<")[0]

    _job, content = export(office, county.campaign, "assessment")

    book = load_workbook(io.BytesIO(content))
    summary = {r[0]: r for r in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["城关镇"][1] == float(town_total)
    town = book["城关镇"]
    assert [c.value for c in town[2]] == [
        "考核项目",
        "考核标准",
        "分值",
        "评分方式",
        "落实情况(提供数据)",
        "自评分",
        "考核得分",
    ]
    rows = {r[0]: r for r in town.iter_rows(min_row=3, values_only=True)}
    assert rows["成立专门活动组织机构"][2:] == (
        4.0,
        "由考核人员评分",
        "由考核人员评分；自评：县委发文成立组委会",
        4.0,
        3.0,
    )
    assert rows["按时报送方案"][4] == "迟报 2 天，扣 2 分"
    assert rows["按时报送方案"][6] == 1.0
    assert rows["合计"][6] == float(town_total)


def test_a_reviewer_may_not_export_the_scores(county, login):
    services.from_template(county.campaign)
    response = login(county.reviewer).post(
        reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "assessment"}
    )
    assert response.status_code == 403


def test_the_results_notice_names_the_awards_and_the_ranking(county, login):
    from docx import Document

    from anxuan.assessment import ranking
    from anxuan.assessment.models import Award, RankGroup
    from anxuan.orgs.enums import OrgKind

    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    group = RankGroup.objects.create(rubric=rubric, name="乡镇组", kinds=[OrgKind.TOWN])
    award = Award.objects.create(group=group, title="先进单位", quota=1)
    funding = Item.objects.get(section__rubric=rubric, title="经费保障")
    services.assess(
        actor=county.office_admin,
        participant=county.other_participant,
        entries=[Entry(funding, Decimal(3), "落实")],
    )
    rubric = services.close(actor=county.office_admin, rubric=rubric)
    places = ranking.rank(
        rubric,
        group,
        list(county.campaign.participants.select_related("organization")),
        services.sheets(rubric),
        services.grouped(services.items_of(rubric)),
    )
    ranking.confirm(
        actor=county.office_admin,
        award=award,
        chosen=[county.other_participant],
        places=places,
    )

    _job, content = export(login(county.office_admin), county.campaign, "results")

    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于2026年“安全生产月”活动考核结果的通报" in text
    assert "先进单位：宣化镇。" in text
    table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["名次", "单位", "得分"]
    assert [row[:2] for row in table[1:]] == [["1", "宣化镇"], ["2", "城关镇"]]

    _job, workbook = export(login(county.office_admin), county.campaign, "assessment")
    ranked = list(load_workbook(io.BytesIO(workbook))["排名"].iter_rows(values_only=True))
    assert ranked[1][0] == "乡镇组"
    assert [row[:2] for row in ranked[3:5]] == [(1, "宣化镇"), (2, "城关镇")]
    assert ranked[3][-1] == "先进单位"
