"""The header: one row on a phone, the pages under a menu, API tokens under the person's
own menu; on a desktop the pages inline."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_liaisons_phone_header_is_one_row_with_tokens_in_their_menu(live_server, county, browser):
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "liaison")
    header = page.locator("header.top")
    tokens = header.get_by_role("link", name="API 令牌")

    assert header.bounding_box()["height"] < 70
    assert page_width(page) <= PHONE["width"]
    expect(tokens).to_be_hidden()
    expect(header.get_by_role("link", name="活动")).to_be_hidden()
    shot(page, "phone-header")

    header.locator("summary", has_text="菜单").click()
    expect(header.get_by_role("link", name="活动")).to_be_visible()
    expect(tokens).to_be_hidden()
    assert page_width(page) <= PHONE["width"]
    shot(page, "phone-header-menu")
    header.locator("summary", has_text="菜单").click()

    header.locator("summary", has_text=county.town_liaison.full_name).click()
    expect(tokens).to_be_visible()
    expect(header.get_by_role("button", name="退出")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    shot(page, "phone-header-person")
    tokens.click()
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")
    expect(page.locator("h1")).to_have_text("API 令牌")


def test_an_offices_desktop_header_shows_the_pages_inline(live_server, county, browser):
    page = open_page(browser, DESKTOP)
    log_in(page, live_server.url, "office")
    header = page.locator("header.top")

    assert header.bounding_box()["height"] < 70
    for name in ("首页", "活动", "单位", "人员", "统计指标"):
        expect(header.get_by_role("link", name=name)).to_be_visible()
    expect(header.locator("summary", has_text="菜单")).to_be_hidden()
    expect(header.get_by_role("link", name="API 令牌")).to_be_hidden()
    header.locator("summary", has_text=county.office_admin.full_name).click()
    expect(header.get_by_role("link", name="API 令牌")).to_be_visible()
    shot(page, "desktop-header")
