"""A town liaison on a phone registers as the unit's liaison."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_liaison_registers_on_a_phone_and_the_office_sees_it(live_server, county, browser):
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "liaison")

    expect(page.locator("#liaison-forms")).to_contain_text("2026年“安全生产月”活动")
    expect(page.locator("#due")).to_have_count(0)  # June 2026 has passed
    assert page_width(page) <= PHONE["width"]
    shot(page, "liaison-home-phone")
    page.click("#liaison-forms a")
    page.fill("#id_name", "张三")
    page.fill("#id_title", "安全员")
    page.fill("#id_mobile", "1381111")
    page.click("main form button[type=submit]")

    expect(page.locator(".errorlist")).to_contain_text("请输入以 1 开头的 11 位手机号码。")
    county.participant.refresh_from_db()
    assert county.participant.registered_at is None
    assert page_width(page) <= PHONE["width"]
    shot(page, "liaison-form-phone")
    page.fill("#id_mobile", "13811112222")
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("城关镇 的联络员已报送。")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#liaison-forms")).to_have_count(0)

    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "office")
    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/participants/")
    row = office.locator("#participants tr", has_text="城关镇")
    expect(row).to_contain_text("已报送")
    expect(row).to_contain_text("13811112222")


def test_another_towns_liaison_form_is_not_found(live_server, county, browser):
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "liaison2")

    response = page.goto(
        f"{live_server.url}/campaigns/{county.campaign.pk}/participants/{county.participant.pk}/liaison/"
    )

    assert response.status == 404


def test_office_pages_fit_a_phone(live_server, county, browser):
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "office")

    for path in ("/", "/campaigns/", f"/campaigns/{county.campaign.pk}/", "/orgs/", "/people/",
                 f"/campaigns/{county.campaign.pk}/participants/"):  # fmt: skip
        page.goto(live_server.url + path)
        assert page_width(page) <= PHONE["width"], path
