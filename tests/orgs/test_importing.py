"""Unit list import: every error reported with row and column; nothing written unless clean."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from anxuan.orgs import importing
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Membership, Organization, Person

HEADER = [title for _key, title in importing.COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(content: bytes):
    return importing.read_workbook(io.BytesIO(content), len(content))


def errors(rows, root, actor):
    preview = importing.validate_rows(read(xlsx(rows)), root=root, actor=actor)
    return [(e.row, e.column, e.message) for e in preview.errors]


GOOD = [
    ["新坝镇", "", "乡镇（街道）", "620724106", "赵敏", "13912345678"],
    ["新坝镇中心小学", "新坝镇", "学校", "", "钱伟", "13912345679"],
    ["县水务局", "", "成员单位", "", "", ""],
]


def test_clean_file_imports_units_under_their_parents_and_creates_liaison_accounts(county):
    rows = read(xlsx(GOOD))
    assert importing.validate_rows(rows, root=county.county, actor=county.office_admin).ok

    result = importing.apply_import(actor=county.office_admin, root=county.county, rows=rows)

    school = Organization.objects.get(name="新坝镇中心小学")
    assert school.parent.name == "新坝镇"
    assert school.parent.parent == county.county
    assert school.path.startswith(county.county.path)
    assert school.kind == OrgKind.SCHOOL
    assert Organization.objects.get(name="县水务局").parent == county.county
    assert result.organizations == 3
    assert [(a.unit, a.full_name, a.username) for a in result.accounts] == [
        ("新坝镇", "赵敏", "13912345678"),
        ("新坝镇中心小学", "钱伟", "13912345679"),
    ]
    liaison = Person.objects.get(mobile="13912345678")
    assert liaison.check_password(result.accounts[0].password)
    assert Membership.objects.get(person=liaison).role == Role.LIAISON


def test_each_bad_cell_is_reported_with_its_row_and_column(county):
    rows = [
        ["", "", "企业", "", "", ""],
        ["某某公司", "不存在的镇", "企业", "", "", ""],
        ["城关镇", "", "乡镇（街道）", "", "", ""],
        ["甲公司", "", "外星单位", "", "", ""],
        ["乙公司", "", "企业", "12345", "", ""],
        ["丙公司", "", "企业", "", "张三", "23800000000"],
        ["丁公司", "", "企业", "620724100", "", ""],
        ["戊公司", "", "企业", "", "", ""],
        ["戊公司", "", "企业", "", "", ""],
    ]

    found = errors(rows, county.county, county.office_admin)

    assert found == [
        (2, "name", "单位名称为空。"),
        (3, "parent", "上级单位“不存在的镇”不存在：既不在高台县之下，也不在本文件中。"),
        (4, "name", "“高台县”下已有“城关镇”。"),
        (5, "kind", found[3][2]),
        (6, "region_code", "区划代码应为 6 位、9 位或 12 位数字。"),
        (7, "liaison_mobile", "“23800000000”不是 11 位手机号码。"),
        (8, "region_code", "区划代码 620724100 已被使用。"),
        (10, "name", "与第 9 行重复。"),
    ]
    assert found[3][2].startswith("单位类型“外星单位”无效")


def test_parents_may_come_later_in_the_file_but_not_in_a_loop(county):
    later = [["小学", "新镇", "学校", "", "", ""], ["新镇", "", "乡镇（街道）", "", "", ""]]
    loop = [["甲", "乙", "企业", "", "", ""], ["乙", "甲", "企业", "", "", ""]]

    assert errors(later, county.county, county.office_admin) == []
    assert {
        (row, column) for row, column, _m in errors(loop, county.county, county.office_admin)
    } == {
        (2, "parent"),
        (3, "parent"),
    }


def test_a_mobile_of_another_person_is_refused(county):
    taken = county.town_liaison.mobile

    assert errors(
        [["甲公司", "", "企业", "", "别人", taken]], county.county, county.office_admin
    ) == [(2, "liaison_mobile", f"手机号 {taken} 已属于 {county.town_liaison.full_name}。")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a spreadsheet", "这不是 Excel .xlsx 文件"),
        (b"PK\x03\x04 broken zip", "无法读取该 Excel 文件"),
        (xlsx([], header=["名称", "类型"]), "第1行应为表头，缺少列"),
        (xlsx([]), "文件表头下没有单位数据"),
    ],
)
def test_unreadable_files_get_one_clear_message(db, content, message):
    with pytest.raises(importing.ImportFileError) as exc:
        read(content)

    assert message in str(exc.value)


def test_too_many_rows_or_bytes_are_refused(db, settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(importing.ImportFileError, match="超过 2 行"):
        read(xlsx(GOOD))
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(importing.ImportFileError, match="文件过大"):
        read(xlsx(GOOD))


def test_apply_refuses_rows_that_stopped_being_valid(county):
    rows = read(xlsx(GOOD))
    Organization.objects.filter(pk=county.town.pk).update(region_code="620724106")

    with pytest.raises(ValidationError):
        importing.apply_import(actor=county.office_admin, root=county.county, rows=rows)

    assert not Organization.objects.filter(name="新坝镇").exists()


def test_export_round_trips_through_the_import_format(county):
    orgs = list(
        Organization.objects.filter(path__startswith=county.county.path).exclude(
            pk=county.county.pk
        )
    )
    content = importing.export_workbook(orgs, {county.town.pk: county.town_liaison})

    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert [
        "城关镇",
        "",
        "乡镇（街道）",
        "620724100",
        county.town_liaison.full_name,
        county.town_liaison.mobile,
    ] in rows
    assert ["高台县鑫源化工有限公司", "城关镇", "企业", "", "", ""] in rows


def test_template_file_validates_clean_in_an_empty_county(db):
    from tests import factories

    root = factories.org("某县", OrgKind.COUNTY)
    office = factories.person(root, Role.OFFICE_ADMIN, "office")
    content = importing.template_workbook()

    assert importing.validate_rows(read(content), root=root, actor=office).ok


cell = st.one_of(
    st.just(""),
    st.text(alphabet="城关镇甲乙丙公司学校局 0123456789xX（）", max_size=12),
    st.sampled_from(["企业", "学校", "乡镇（街道）", "town", "不存在", "高台县", "城关镇"]),
    st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    st.from_regex(r"\d{6}|\d{9}", fullmatch=True),
)
bad_row = st.lists(cell, min_size=6, max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(bad_row, min_size=1, max_size=8))
def test_a_file_with_any_error_writes_nothing(county, rows):
    """Hypothesis: whatever the rows, a preview with errors leaves the database untouched,
    and applying such rows is refused whole."""
    before = (Organization.objects.count(), Person.objects.count(), Membership.objects.count())
    try:
        parsed = read(xlsx(rows))
    except importing.ImportFileError:
        return  # all rows blank: refused as a whole file
    preview = importing.validate_rows(parsed, root=county.county, actor=county.office_admin)

    if not preview.ok:
        with pytest.raises(ValidationError):
            importing.apply_import(actor=county.office_admin, root=county.county, rows=parsed)
        assert before == (
            Organization.objects.count(),
            Person.objects.count(),
            Membership.objects.count(),
        )
        assert all(e.row >= 2 for e in preview.errors)


def test_import_page_previews_then_confirms(county, login):
    client = login(county.office_admin)
    url = reverse("orgs:org_import", args=[county.county.pk])
    bad = io.BytesIO(xlsx([["", "", "企业", "", "", ""]]))
    bad.name = "units.xlsx"

    response = client.post(url, {"file": bad})

    assert response.status_code == 400
    assert "单位名称为空。" in response.content.decode()
    assert (
        reverse("orgs:org_import_confirm", args=[county.county.pk]) not in response.content.decode()
    )
    good = io.BytesIO(xlsx(GOOD))
    good.name = "units.xlsx"
    assert client.post(url, {"file": good}).status_code == 200
    assert not Organization.objects.filter(name="新坝镇").exists()

    done = client.post(reverse("orgs:org_import_confirm", args=[county.county.pk]))

    assert done.status_code == 200
    assert Organization.objects.get(name="新坝镇中心小学").parent.name == "新坝镇"
    assert "13912345678" in done.content.decode()  # the new account and its password, once


def test_an_exe_renamed_xlsx_is_refused_on_the_page(county, login):
    fake = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    fake.name = "units.xlsx"

    response = login(county.office_admin).post(
        reverse("orgs:org_import", args=[county.county.pk]), {"file": fake}
    )

    assert response.status_code == 400
    assert "这不是 Excel .xlsx 文件" in response.content.decode()
