"""The office checks on its phone which reminders reached whom: at 390 px the delivery
list fits the screen, and a robot that refused the message shows its answer."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, log_in, open_page, page_width
from tests.reports.robots import FakeRobot, FakeRobotServer
from tests.reports.test_deliveries import remind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_delivery_list_fits_a_phone(live_server, county, browser, settings):
    settings.ROBOT_HOSTS = ["127.0.0.1"]
    settings.ROBOT_ALLOW_PRIVATE = True
    with FakeRobotServer(FakeRobot(secret="SEC0123456789abcdef")) as robot:
        remind(county.campaign, robot.url())
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "office")

    page.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")
    page.get_by_role("link", name="提醒送达情况").click()
    page.locator("#outcome-pending").click()

    row = page.locator("#deliveries tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("钉钉群机器人")
    expect(row).to_contain_text("310000 sign not match")
    assert page_width(page) <= 390
