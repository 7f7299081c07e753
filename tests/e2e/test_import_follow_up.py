"""After a unit import, in Chromium at 390 px: the office prints the new accounts' slips and
adds the newly imported units to its campaign with "tick all"."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from anxuan.orgs import importing
from anxuan.orgs.models import Organization
from tests.e2e.browser import PHONE, log_in, open_page, page_width, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNITS = [
    ["新坝镇", "", "乡镇（街道）", "620724106", "赵敏", "13912345678"],
    ["新坝镇中心小学", "新坝镇", "学校", "", "钱伟", "13912345679"],
    ["县水务局", "", "成员单位", "", "", ""],
]


def workbook(path) -> str:
    wb = Workbook()
    wb.active.append([title for _key, title in importing.COLUMNS])
    for row in UNITS:
        wb.active.append(row)
    wb.save(path)
    return str(path)


def test_the_office_prints_the_slips_of_the_new_accounts(live_server, county, browser, tmp_path):
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/orgs/{county.county.pk}/import/")
    page.set_input_files("#id_file", workbook(tmp_path / "units.xlsx"))
    page.click("main form button[type=submit]")
    page.click("#import-ok button")

    page.click("#new-accounts a.btn >> nth=0")

    slips = page.locator(".slip")
    expect(slips).to_have_count(2)
    expect(slips.nth(0)).to_contain_text("新坝镇")
    expect(slips.nth(0)).to_contain_text("首次登录后请立即修改密码")
    expect(slips.nth(0)).to_contain_text(f"{live_server.url}/accounts/login/")
    assert page_width(page) <= PHONE["width"]
    shot(page, "import-password-sheet", full_page=True)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("[data-print]")).to_be_hidden()
    expect(slips.nth(1)).to_be_visible()
    shot(page, "import-password-sheet-print", full_page=True)


def test_tick_all_adds_only_the_new_units(live_server, county, browser):
    content = io.BytesIO()
    wb = Workbook()
    wb.active.append([title for _key, title in importing.COLUMNS])
    for row in UNITS:
        wb.active.append(row)
    wb.save(content)
    rows = importing.read_workbook(io.BytesIO(content.getvalue()), len(content.getvalue()))
    importing.apply_import(actor=county.office_admin, root=county.county, rows=rows)
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/participants/")

    page.click("a[href='?new=last']")
    expect(page.locator("#candidates > div")).to_have_count(3)
    page.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/participants/")
    taking_part = page.locator("#candidates input:disabled")
    expect(taking_part).to_have_count(3)
    page.check("[data-check-all]")
    expect(page.locator("#candidates input:checked:not(:disabled)")).to_have_count(4)
    page.uncheck("[data-check-all]")
    expect(page.locator("#candidates input:checked")).to_have_count(3)  # still taking part
    page.click("a[href='?new=last']")
    page.check("[data-check-all]")
    assert page_width(page) <= PHONE["width"]
    shot(page, "participants-add-imported", full_page=True)
    page.click("#add-units form[method=post] button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("3")
    added = set(county.campaign.participants.values_list("organization__name", flat=True)) - {
        "城关镇",
        "宣化镇",
        "县交通运输局",
    }
    assert added == {o.name for o in Organization.objects.filter(name__in=[r[0] for r in UNITS])}
    expect(page.locator("#participants")).to_contain_text("赵敏")  # joined registered
