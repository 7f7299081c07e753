"""A rubric goes out and comes back as .xlsx in the office's layout; another office's table
with its own numbers comes in; a bad file or row is refused by row and replaces nothing."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anxuan.assessment import services
from anxuan.assessment.enums import Rule
from anxuan.assessment.models import Item
from anxuan.assessment.sheets import COLUMNS


def upload(client, campaign, content: bytes, name="考核评分表.xlsx"):
    url = reverse("assessment:rubric_upload", args=[campaign.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    return response.content.decode()


def workbook(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def shape(rubric):
    return [
        (
            i.section.title,
            i.title,
            i.max_points,
            i.rule,
            i.per_unit,
            i.cap,
            i.tiers,
            i.measure,
            i.measure_params,
        )
        for i in services.items_of(rubric)
    ]


def test_the_rubric_goes_out_and_comes_back_the_same(county, login):
    office = login(county.office_admin)
    rubric = services.from_template(county.campaign)
    before = shape(rubric)
    content = office.get(reverse("assessment:rubric_download", args=[county.campaign.pk]))
    sheet = load_workbook(io.BytesIO(content.content)).active
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet["A2"].value == "一、组织领导"

    page = upload(office, county.campaign, content.content)

    assert "考核评分标准已替换，共 23 个项目。" in page
    assert shape(rubric) == before
    assert services.problems(rubric) == []


def test_another_offices_table_with_its_own_numbers(county, login):
    rows = [
        COLUMNS,
        ["一、组织领导"],
        [
            "按时报送方案",
            "迟报每天扣 2 分",
            6,
            "按时报送，迟报每天扣分 · 2",
            "方案",
            None,
            None,
            "报送迟报天数：活动方案",
        ],
        ["经费保障", "落实经费", 4, "凭票据酌情给分", "票据"],
        ["二、活动开展"],
        [
            "应急演练",
            "每次 3 分",
            90,
            "按数量计分（封顶） · 3 · 最高 9",
            "",
            None,
            None,
            "报送的活动数：应急演练",
        ],
    ]
    office = login(county.office_admin)
    rubric = services.from_template(county.campaign)

    upload(office, county.campaign, workbook(rows))

    plan, funding, drills = services.items_of(rubric)
    assert (plan.max_points, plan.rule, plan.per_unit) == (Decimal(6), Rule.TIMELINESS, Decimal(2))
    assert plan.measure_params == {
        "requirement": county.campaign.requirements.get(title="活动方案").pk
    }
    assert (funding.rule, funding.criterion) == (Rule.MANUAL, "落实经费；凭票据酌情给分")
    assert (drills.cap, drills.measure_params) == (Decimal(9), {"activity_type": "应急演练"})


def test_bad_files_and_rows_are_refused_by_row_and_replace_nothing(county, login):
    office = login(county.office_admin)
    rubric = services.from_template(county.campaign)
    before = shape(rubric)

    missing = upload(office, county.campaign, workbook([["考核项目", "分值"], ["一、组织领导"]]))
    bad_rows = upload(
        office,
        county.campaign,
        workbook(
            [
                COLUMNS,
                ["一、组织领导"],
                ["经费保障", "落实经费", "三", "由考核人员评分"],
                ["按时报送方案", "", 3, "按时报送，迟报每天扣分"],
                [
                    "新闻宣传",
                    "x",
                    5,
                    "按数量计分（封顶） · 1",
                    "",
                    None,
                    None,
                    "报送的活动数：直播",
                ],
            ]
        ),
    )
    not_xlsx = upload(office, county.campaign, b"%PDF-1.4 not a workbook", "评分表.xlsx")

    assert "第 1 行须为表头，缺少列：考核标准、评分方式、落实情况(提供数据)。" in missing
    assert "第 3 行（经费保障）: 分值和评分方式中的数字须为不小于 0 的数" in bad_rows
    assert "第 4 行（按时报送方案）: 需填写每项/每天/每期分值" in bad_rows
    assert "第 5 行（新闻宣传）: “直播”不属于本活动" in bad_rows
    assert "无法读取该 Excel 文件，文件可能已损坏。请重新另存为 .xlsx。" in not_xlsx
    assert shape(rubric) == before
    assert Item.objects.filter(section__rubric=rubric).count() == 23
