"""The office orders the columns of its statistics table (issue 11, item 7), as its own
paper table has them: the order set on the columns page is the page's, the .xlsx's, the
API's and the Word summary's; editing the campaign keeps it."""

import io
import re

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anxuan.exports.enums import ExportKind
from anxuan.exports.exporters import EXPORTERS
from tests.api.conftest import ApiClient, token_for


def _names_in_thead(page: str) -> list[str]:
    table = page[page.index('id="statistics"') :]
    head = table[table.index("<thead>") : table.index("</thead>")]
    return [re.sub(r"<div.*?</div>", "", h) for h in re.findall(r"<th>(.*?)</th>", head)][1:]


def _written(campaign, kind: ExportKind, options: dict) -> bytes:
    out = io.BytesIO()
    EXPORTERS[kind].write(campaign, options, out, lambda *_: None)
    return out.getvalue()


def test_the_order_set_on_the_columns_page_is_every_tables_order(county, login):
    campaign = county.campaign
    office = login(county.office_admin)
    before = list(campaign.indicators.order_by("campaignindicator__order"))
    url = reverse("campaigns:campaign_columns", args=[campaign.pk])
    numbers = {f"order_{i.pk}": str(n) for n, i in enumerate(before, 1)}
    # The last column goes first, the first last.
    numbers |= {f"order_{before[-1].pk}": "0", f"order_{before[0].pk}": str(len(before) + 1)}

    form = office.get(url)
    saved = office.post(url, numbers)

    assert form.status_code == 200
    assert saved.status_code == 302
    wanted = [before[-1].name, *[i.name for i in before[1:-1]], before[0].name]
    page = office.get(reverse("rollup:statistics_table", args=[campaign.pk])).content.decode()
    assert _names_in_thead(page) == wanted
    sheet = load_workbook(
        io.BytesIO(_written(campaign, ExportKind.STATISTICS, {"basis": "accepted"}))
    ).active
    assert [c.value for c in sheet[3]] == ["单位", *wanted]
    api = ApiClient(token_for(county.office_admin))
    assert [
        i["name"] for i in api.get(f"/campaigns/{campaign.pk}/statistics").json()["indicators"]
    ] == wanted
    assert [
        i["name"] for i in api.get(f"/campaigns/{campaign.pk}/indicators").json()["items"]
    ] == wanted
    summary = Document(io.BytesIO(_written(campaign, ExportKind.SUMMARY, {})))
    columns = next(t for t in summary.tables if t.rows[0].cells[0].text == "指标")
    assert [r.cells[0].text for r in columns.rows[1:]] == wanted

    # Editing the campaign (and its choice of indicators) keeps the order.
    edit = reverse("campaigns:campaign_edit", args=[campaign.pk])
    fields = office.get(edit).context["form"].initial
    office.post(edit, {
        "title": campaign.title, "year": campaign.year, "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on, "reminder_hours": 24, "remind_missed": "on",
        "activity_types_text": fields["activity_types_text"],
        "domains_text": fields["domains_text"],
        "indicator_choices": [i.pk for i in before],
    })  # fmt: skip
    page = office.get(reverse("rollup:statistics_table", args=[campaign.pk])).content.decode()
    assert _names_in_thead(page) == wanted


def test_a_column_number_that_is_not_a_number_is_refused_in_chinese(county, login):
    campaign = county.campaign
    columns = list(campaign.indicators.order_by("campaignindicator__order"))
    numbers = {f"order_{i.pk}": str(n) for n, i in enumerate(columns, 1)}
    url = reverse("campaigns:campaign_columns", args=[campaign.pk])

    response = login(county.office_admin).post(url, numbers | {f"order_{columns[0].pk}": "前"})

    assert response.status_code == 400
    assert response.context["form"].errors == {f"order_{columns[0].pk}": ["输入整数。"]}
    assert list(campaign.indicators.order_by("campaignindicator__order")) == columns
