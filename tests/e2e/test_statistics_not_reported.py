"""On a phone, in Chinese: the office's statistics table says 未报送 for a unit that sent
no figures, and 0 for a unit that sent 0, on the page and in the .xlsx downloaded from it
(issue 11)."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from tests import factories
from tests.e2e.browser import PHONE, log_in, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_unit_without_figures_reads_not_reported_on_the_page_and_in_excel(
    live_server, county, browser
):
    statistics = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    boards = str(statistics.indicators.get(name="宣传展板").pk)
    for liaison, participant, value in (
        (county.town_liaison, county.participant, "6"),
        (county.other_liaison, county.other_participant, "0"),
    ):
        report = factories.report(
            liaison, participant, statistics.periods.get(), values={boards: value}
        )
        services.submit_report(actor=liaison, submission=report)
        services.accept_submission(actor=county.office_admin, submission=report)
    office = open_page(browser, PHONE)
    log_in(office, live_server.url, "office")

    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/statistics/")
    silent = office.locator("#statistics tbody tr[data-unit='县交通运输局'] td")
    expect(silent.first).to_have_text("未报送")
    expect(silent).to_have_count(statistics.indicators.count())
    expect(office.locator("#statistics tbody tr[data-unit='宣化镇'] td").first).to_have_text("0")
    expect(office.locator("#statistics tbody tr[data-unit='城关镇'] td").first).to_have_text("6")
    expect(office.locator("#not-reported")).to_have_text("未报送单位 1 个：县交通运输局")
    shot(office, "statistics-not-reported", full_page=True)

    office.click("#download-xlsx")
    expect(office.locator("#export [data-field=label]")).to_have_text("已完成")
    with office.expect_download() as download:
        office.click("#download")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["县交通运输局"] == ("未报送",) * statistics.indicators.count()
    assert (rows["城关镇"][0], rows["宣化镇"][0], rows["合计"][0]) == (6, 0, 6)
    assert rows["未报送单位"][0] == "1 个：县交通运输局"
