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

    desktop.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/assessment/ranking/")
    desktop.fill("#id_name", "乡镇组")
    desktop.get_by_label("乡镇（街道）").check()
    desktop.locator("#group-form").get_by_role("button", name="添加").click()
    desktop.locator("#award-form #id_group").select_option(label="乡镇组")
    desktop.locator("#award-form #id_title").fill("先进单位")
    desktop.locator("#award-form #id_quota").fill("1")
    desktop.locator("#award-form").get_by_role("button", name="添加").click()
    group = desktop.locator('section[data-group="乡镇组"]')
    expect(group.locator("tr[data-unit]")).to_have_count(2)
    group.get_by_role("button", name="确认先进单位").click()
    expect(group.locator('tr[data-unit="城关镇"]')).to_contain_text("先进单位")
    shot(desktop, "assessment-ranking", full_page=True)

    phone = open_page(browser, PHONE)
    log_in(phone, live_server.url, "office")
    phone.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/assessment/")
    expect(phone.locator('tr[data-item="按时报送方案"]')).to_contain_text("迟报每天扣分")
    shot(phone, "assessment-rubric-phone", full_page=True)
    assert page_width(phone) <= 390


def test_a_liaison_self_scores_on_a_phone_and_the_assessor_scores_beside_it(
    live_server, county, browser
):
    from anxuan.assessment import services

    services.from_template(county.campaign)
    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "office")
    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/assessment/")
    office.get_by_role("button", name="开始评分").click()
    expect(office.locator("#state")).to_contain_text("评分中")

    phone = open_page(browser, PHONE)
    log_in(phone, live_server.url, "liaison")
    phone.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")
    phone.get_by_role("link", name="自评（城关镇）").click()
    card = phone.locator('section[data-item="成立专门活动组织机构"]')
    card.get_by_label("自评分").fill("4")
    card.get_by_label("佐证材料").fill("县委发文成立组委会，明确分工")
    phone.locator('section[data-item="经费保障"]').get_by_label("自评分").fill("5")
    phone.get_by_role("button", name="保存自评分").click()
    expect(phone.locator("#score-errors")).to_contain_text("经费保障: 最多 3 分。")
    phone.locator('section[data-item="经费保障"]').get_by_label("自评分").fill("3")
    phone.get_by_role("button", name="保存自评分").click()
    expect(phone.locator("ul.messages")).to_contain_text("已保存 2 项自评分")
    shot(phone, "assessment-self-score-phone", full_page=False)
    assert page_width(phone) <= 390

    office.get_by_role("link", name="按当前数据的得分").click()
    office.get_by_role("link", name="城关镇").click()
    item = office.locator('section[data-item="成立专门活动组织机构"]')
    expect(item.locator(".self")).to_contain_text("县委发文成立组委会")
    item.get_by_label("考核得分").fill("3")
    item.get_by_label("原因").fill("分工不够具体")
    office.get_by_role("button", name="保存考核得分").click()
    expect(item).to_contain_text("与考核得分不同")
    shot(office, "assessment-assess", full_page=False)
    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/assessment/")
    office.get_by_role("button", name="结束考核（固定得分）").click()
    expect(office.locator("#state")).to_contain_text("已结束")
    office.fill("#id_objections_until", "2099-07-10T18:00")
    office.get_by_role("button", name="公布", exact=True).click()
    expect(office.locator("ul.messages")).to_contain_text("结果已向各单位公布")

    phone.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")
    phone.get_by_role("link", name="考核结果（城关镇）").click()
    result = phone.locator('section[data-item="成立专门活动组织机构"]')
    expect(result.locator(".points")).to_have_text("3")
    expect(phone.locator("#published")).to_contain_text("2099-07-10 18:00")
    shot(phone, "assessment-result-phone", full_page=False)
    assert page_width(phone) <= 390
