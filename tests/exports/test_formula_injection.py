"""Text a person typed never comes out of an export as a live formula (OWASP CSV / formula
injection): unit and liaison names like `=HYPERLINK(...)` or `=cmd|' /C calc'!A0` are
written as text with a leading quote in every workbook and in manifest.csv; numbers stay
numbers."""

import csv
import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from anxuan.core.sheets import cell_text, typed_text
from anxuan.orgs import services as org_services
from tests.exports.test_exports import export, report_with_photo
from tests.rollup.test_board import statistics_submission

LINK = '=HYPERLINK("http://x","y")'
COMMAND = "=cmd|' /C calc'!A0"
PLUS = "+1"
AT = "@SUM(A1)"


def rename(county, org, name):
    org_services.update_organization(
        actor=county.office_admin,
        org=org,
        name=name,
        kind=org.kind,
        region_code=org.region_code,
        parent=org.parent,
    )


def hostile_names(county):
    """The town, the other town and the department renamed to formulas; the town's liaison
    named as a command."""
    rename(county, county.town, LINK)
    rename(county, county.other_town, PLUS)
    rename(county, county.department, AT)
    liaison = county.town_liaison
    org_services.update_person(
        actor=county.office_admin,
        person=liaison,
        full_name=COMMAND,
        mobile=liaison.mobile,
        is_active=True,
    )


def cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes) -> dict[str, str]:
    """No cell of the workbook is a formula; returns {text: data type} of its text cells."""
    found = cells(content)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    return {c.value: c.data_type for c in found if isinstance(c.value, str)}


def test_a_cell_that_would_be_a_formula_is_quoted_and_numbers_stay_numbers():
    for text in (LINK, COMMAND, PLUS, AT, "-2+3", "\t=1", "\r=1"):
        assert cell_text(text) == "'" + text
        assert typed_text(cell_text(text)) == text
    assert cell_text("城关镇") == "城关镇"
    assert cell_text("'ordinary") == "'ordinary"
    assert typed_text("'ordinary") == "'ordinary"
    assert [cell_text(v) for v in (-5, -2.5, 0, None)] == [-5, -2.5, 0, None]


def test_statistics_table_and_board_write_hostile_unit_names_as_text(county, login):
    hostile_names(county)
    statistics_submission(county, county.participant, county.town_liaison, {"宣传展板": "5"})
    office = login(county.office_admin)

    _, statistics = export(office, county.campaign, "statistics", basis="submitted")
    _, board = export(office, county.campaign, "board")

    for content in (statistics, board):
        texts = assert_no_formula(content)
        for name in (LINK, PLUS, AT):
            assert texts["'" + name] == "s"
    sheet = load_workbook(io.BytesIO(statistics)).active
    row = next(r for r in sheet.iter_rows(min_row=5) if r[0].value == "'" + LINK)
    assert (row[1].value, row[1].data_type) == (5, "n")  # the figure is still a number


def test_chart_workbooks_write_hostile_unit_names_as_text(county, login):
    hostile_names(county)
    report_with_photo(county, login)
    office = login(county.office_admin)

    for key in ("units", "missing", "ranking"):
        response = office.get(
            reverse("dashboards:dashboard_chart_xlsx", args=[county.campaign.pk, key])
        )
        assert response.status_code == 200
        texts = assert_no_formula(b"".join(response.streaming_content))
        assert texts["'" + PLUS] == "s"


def test_unit_list_export_writes_hostile_names_as_text_and_imports_back_as_typed(county, login):
    hostile_names(county)

    response = login(county.office_admin).get(reverse("orgs:org_export", args=[county.county.pk]))

    texts = assert_no_formula(response.content)
    assert texts["'" + LINK] == "s"
    assert texts["'" + COMMAND] == "s"  # the town's liaison
    from anxuan.orgs import importing

    rows = importing.read_workbook(io.BytesIO(response.content), len(response.content))
    town = next(r for r in rows if r["name"] == LINK)
    assert town["liaison_name"] == COMMAND
    assert next(r for r in rows if r["name"] == "高台县鑫源化工有限公司")["parent"] == LINK


def test_manifest_rows_of_hostile_names_start_with_a_quote(county, login):
    hostile_names(county)
    report_with_photo(county, login)

    _, content = export(login(county.office_admin), county.campaign, "evidence")

    archive = zipfile.ZipFile(io.BytesIO(content))
    text = archive.read("manifest.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][0] == "'" + LINK
    assert text.splitlines()[1].startswith("\"'=HYPERLINK(")
