"""The county office makes its rubric from the template on the campaign page, sets its own
deduction for a late plan, and reads the scores the reports earn; the rubric fits a phone."""

import pytest
from playwright.sync_api import expect

from anxuan.campaigns.enums import RequirementKind
from tests.assessment.test_sheets import period_of, send, when
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot
from tests.reports.evidence import pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_office_makes_a_rubric_sets_its_numbers_and_reads_the_scores(
    live_server, county, browser
):
    plan = period_of(county.campaign, RequirementKind.PLAN)
    send(county.town_liaison, county.participant, plan, when(6, 1, 18, 0, 1), files=[pdf()])
    desktop = open_page(browser, DESKTOP)
    log_in(desktop, live_server.url, "office")
    desktop.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")
    desktop.get_by_role("link", name="考核", exact=True).click()
    desktop.get_by_role("button", name="从模板创建考核评分标准").click()
    expect(desktop.locator("#adds-up")).to_contain_text("100 分")

    desktop.locator('tr[data-item="按时报送方案"]').get_by_role("link", name="编辑").click()
    desktop.fill("#id_per_unit", "1.5")
    desktop.get_by_role("button", name="保存").first.click()
    expect(desktop.locator('tr[data-item="按时报送方案"]')).to_contain_text("1.5")
    shot(desktop, "assessment-rubric", full_page=True)

    desktop.get_by_role("link", name="按当前数据的得分").click()
    town = desktop.locator('tr[data-unit="城关镇"]')
    expect(town.locator('td[title="迟报 2 天，扣 3 分"]')).to_have_text("0")
    shot(desktop, "assessment-scores", full_page=True)

    phone = open_page(browser, PHONE)
    log_in(phone, live_server.url, "office")
    phone.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/assessment/")
    expect(phone.locator('tr[data-item="按时报送方案"]')).to_contain_text("迟报每天扣分")
    shot(phone, "assessment-rubric-phone", full_page=True)
    assert page_width(phone) <= 390
