"""The office's view of a deadline: who reported on time, who is missing; the statistics
table downloaded and checked in Excel."""

import io
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from tests import factories
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_board_shows_on_time_and_missing_and_the_table_adds_up(live_server, county, browser):
    liaison = open_page(browser, PHONE)
    office = open_page(browser, DESKTOP)
    log_in(liaison, live_server.url, "liaison")  # sessions made now outlive the trip to June
    log_in(office, live_server.url, "office")
    week1 = factories.weekly_period(county.campaign, 1)

    with time_machine.travel(datetime(2026, 6, 4, 10, 0, tzinfo=SHANGHAI)):
        liaison.goto(f"{live_server.url}/")
        liaison.locator("#due a", has_text="第1周").click()
        liaison.fill("#id_text", "本周开展安全宣传咨询活动。")
        liaison.click("button[name=submit]")
        expect(liaison.locator("#timeliness")).to_have_text("按时")

    statistics = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    by_name = {i.name: str(i.pk) for i in statistics.indicators.all()}
    for liaison_person, participant, boards in (
        (county.town_liaison, county.participant, "6"),
        (county.other_liaison, county.other_participant, "4"),
    ):
        draft = factories.report(
            liaison_person,
            participant,
            statistics.periods.get(),
            values={by_name["宣传展板"]: boards, by_name["培训人数"]: "50"},
        )
        services.submit_report(actor=liaison_person, submission=draft)

    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI)):
        office.goto(
            f"{live_server.url}/campaigns/{county.campaign.pk}/board/"
            f"?requirement={week1.requirement_id}"
        )
        town = office.locator("#board tbody tr[data-unit='城关镇'] td.cell").first
        other = office.locator("#board tbody tr[data-unit='宣化镇'] td.cell").first
        expect(town).to_have_text("按时")
        expect(other).to_have_text("缺报")
        shot(office, "board")

    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/statistics/?basis=submitted")
    shot(office, "statistics-table")
    office.click("#download-xlsx")  # the export runs in the background; its page shows progress
    expect(office.locator("#export [data-field=label]")).to_have_text("已完成")
    expect(office.locator("#export progress")).to_have_attribute("value", "100")
    shot(office, "export-ready")
    with office.expect_download() as download:
        office.click("#download")
    assert download.value.suggested_filename == "2026年“安全生产月”活动-进展情况统计表.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    body, totals = rows[:-2], rows[-2]
    assert totals[0] == "合计"
    reported = [row for row in body if row[0] != "县交通运输局"]  # it sent no figures
    for column in range(1, len(totals)):
        assert totals[column] == sum(row[column] for row in reported)
    assert totals[1] == 10  # 宣传展板: 6 + 4
    assert rows[-1][:2] == ("未报送单位", "1 个：县交通运输局")
