"""The county office sets up its Safety Month in a real browser."""

from datetime import datetime

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from anxuan.campaigns.models import Campaign
from anxuan.orgs.models import Organization
from tests.e2e.browser import DESKTOP, log_in, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = ["单位名称", "上级单位", "单位类型", "区划代码", "联络员姓名", "联络员手机"]


def workbook(path, rows):
    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return str(path)


def test_office_imports_units_and_creates_safety_month(live_server, county, browser, tmp_path):
    page = open_page(browser, DESKTOP)
    log_in(page, live_server.url, "office")
    bad = workbook(tmp_path / "bad.xlsx", [
        ["新坝镇", "", "乡镇（街道）", "620724106", "赵敏", "1391234"],
        ["新坝镇中心小学", "不存在的镇", "学校", "", "", ""],
    ])  # fmt: skip
    good = workbook(tmp_path / "good.xlsx", [
        ["新坝镇", "", "乡镇（街道）", "620724106", "赵敏", "13912345678"],
        ["新坝镇中心小学", "新坝镇", "学校", "", "钱伟", "13912345679"],
        ["县水务局", "", "成员单位", "", "", ""],
    ])  # fmt: skip

    page.goto(f"{live_server.url}/orgs/{county.county.pk}/")
    page.click(f"a[href='/orgs/{county.county.pk}/import/']")
    page.set_input_files("#id_file", bad)
    page.click("main form button[type=submit]")

    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("“1391234”不是 11 位手机号码。")
    expect(errors.nth(1)).to_contain_text("不存在的镇")
    expect(page.locator("#import-ok")).to_have_count(0)
    shot(page, "import-preview-errors", full_page=True)
    assert not Organization.objects.filter(name="新坝镇").exists()

    page.set_input_files("#id_file", good)
    page.click("main form button[type=submit]")
    expect(page.locator("#import-ok")).to_contain_text("3 个单位可以导入。")
    page.click("#import-ok button")
    expect(page.locator("h1")).to_have_text("导入完成")
    expect(page.locator("main table")).to_contain_text("13912345678")
    shot(page, "import-done")
    page.goto(f"{live_server.url}/orgs/")
    expect(page.locator(".tree")).to_contain_text("新坝镇中心小学")

    page.goto(f"{live_server.url}/campaigns/new/")
    page.select_option("#id_template", "safety_month")
    page.select_option("#id_owner", str(county.county.pk))
    page.fill("#id_year", "2027")
    shot(page, "campaign-create")
    page.click("main form button[type=submit]")

    expect(page.locator("h1")).to_contain_text("2027年“安全生产月”活动")
    assert Campaign.objects.filter(year=2027).count() == 1
    weekly = page.locator(".requirement", has_text="每周活动开展情况").locator("ol.periods li")
    expect(weekly).to_have_count(4)
    due = [datetime.fromisoformat(v) for v in weekly.evaluate_all(
        "items => items.map(li => li.dataset.due)")]  # fmt: skip
    assert [(d.month, d.day, d.hour, d.minute, d.weekday()) for d in due] == [
        (6, 3, 12, 0, 3),
        (6, 10, 12, 0, 3),
        (6, 17, 12, 0, 3),
        (6, 24, 12, 0, 3),
    ]
    assert {d.utcoffset().total_seconds() for d in due} == {8 * 3600}
    shot(page, "campaign-detail")

    page.click("text=报送日历")
    rows = page.locator("#periods tbody tr", has_text="每周活动开展情况")
    expect(rows).to_have_count(4)
    expect(rows.nth(0).locator(".due-at")).to_contain_text("2027-06-03")
    expect(rows.nth(0).locator(".due-at")).to_contain_text("12:00")
    expect(rows.nth(3).locator(".due-at")).to_contain_text("2027-06-24")
    shot(page, "period-calendar")


def test_office_adds_participants_in_bulk(live_server, county, browser):
    page = open_page(browser, DESKTOP)
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/participants/")

    page.check("[data-check-all='#candidates']")  # 全选: every unit not yet taking part
    expect(page.locator("#candidates input:checked:not(:disabled)")).to_have_count(1)
    expect(page.locator("#candidates input:disabled:checked")).to_have_count(3)  # 已参加
    page.click("main form.stacked button[type=submit]")

    expect(page.locator("#participants")).to_contain_text("高台县鑫源化工有限公司")
    expect(page.locator(".messages")).to_contain_text("已添加 1 个单位。")
    assert county.campaign.participants.filter(organization=county.enterprise).exists()
    shot(page, "participants")
