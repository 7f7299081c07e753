"""上下联动 in the browser: the county office sets up its Safety Month under the city's,
cannot drop what the city requires, and reports upward from its data; the city office
finds the county's report waiting for review."""

import pytest
from playwright.sync_api import expect

from anxuan.campaigns import services as campaign_services
from anxuan.orgs.enums import Role
from tests import factories
from tests.e2e.browser import DESKTOP, log_in, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_county_links_under_the_city_and_reports_upward(live_server, county, browser):
    city_org = county.county.parent
    city_office = factories.person(city_org, Role.OFFICE_ADMIN, "city")
    city = factories.safety_month(city_office, city_org)
    campaign_services.add_participants(
        actor=city_office,
        campaign=city,
        organizations=[county.county],
        joined_on=city.starts_on,
    )
    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "office")

    office.goto(f"{live_server.url}/campaigns/{city.pk}/")
    office.get_by_role("button", name="建立高台县的本级活动").click()
    expect(office.locator(".messages")).to_contain_text(
        "已在“2026年“安全生产月”活动”下建立本级活动"
    )
    child = city.children.get()
    office.goto(f"{live_server.url}/campaigns/{child.pk}/")
    expect(office.locator("dl.facts")).to_contain_text("上级活动")
    weekly = child.requirements.get(kind="weekly")
    office.goto(f"{live_server.url}/campaigns/{child.pk}/requirements/{weekly.pk}/")
    office.get_by_role("button", name="删除").click()
    expect(office.locator(".messages li.error")).to_contain_text("继承自上级活动，不能删除")

    office.goto(f"{live_server.url}/campaigns/{child.pk}/upward/")
    expect(office.locator("#upward-preview")).to_contain_text("高台县：参加单位 0 个")
    shot(office, "report-upward")
    office.locator("#upward tr", has_text="活动进展情况统计表").get_by_role("button").click()
    expect(office.locator("h1")).to_contain_text("活动进展情况统计表")

    city_page = open_page(browser, DESKTOP)
    log_in(city_page, live_server.url, "city")
    city_page.goto(f"{live_server.url}/reports/inbox/")
    expect(city_page.locator("#inbox")).to_contain_text("高台县")
