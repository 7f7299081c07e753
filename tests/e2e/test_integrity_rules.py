"""The office opens the integrity rules from the campaign page, on a desktop and on a phone:
every rule is labelled in Chinese with what it means, the places table fits 390 px, and a
bad number is refused with its reason."""

import pytest
from playwright.sync_api import expect

from anxuan.integrity.models import Rules
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_rules_page_on_a_desktop_and_a_phone(live_server, county, browser):
    desktop = open_page(browser, DESKTOP)
    log_in(desktop, live_server.url, "office")
    desktop.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")
    desktop.get_by_role("link", name="防形式主义核查规则").click()

    expect(desktop.locator("#field-photo_radius")).to_contain_text("64 位")
    shot(desktop, "integrity-rules", full_page=True)
    desktop.fill("#id_text_similarity", "0.3")
    desktop.get_by_role("button", name="保存规则").click()
    expect(desktop.locator("#field-text_similarity")).to_contain_text("0.70 到 1.00")
    assert not Rules.objects.filter(text_similarity__lt=0.7).exists()

    phone = open_page(browser, PHONE)
    log_in(phone, live_server.url, "office")
    phone.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/integrity/rules/")
    expect(phone.locator("#places-table")).to_contain_text("城关镇")
    shot(phone, "integrity-rules-phone", full_page=True)
    assert page_width(phone) <= 390
