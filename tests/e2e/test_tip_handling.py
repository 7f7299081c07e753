"""A member of the public files an anonymous tip with a photo on a 390 px phone and keeps
the receipt; the county office accepts, verifies and replies with the four parts; the
reporter reads the reply and objects; the city re-examines and the reporter reads it; a
hotline tip is entered by staff; the statistics page counts both."""

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from anxuan.orgs.enums import Role
from anxuan.tips.models import Tip
from tests import factories
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot
from tests.tips.test_evidence import phone_jpeg

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def captcha_answer(page: Page) -> str:
    """The answer of the CAPTCHA the page shows, read from its server-side session."""
    page.wait_for_function("document.querySelector('img[src$=\"captcha.png\"]').complete")
    key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store["captcha"]["answer"]


def pick_place(page: Page, *names: str) -> None:
    for level, name in enumerate(names):
        select = page.locator("[data-cascade] select").nth(level)
        expect(select).to_contain_text(name)
        select.select_option(label=name)


def test_a_phone_tip_is_handled_objected_to_and_re_examined(live_server, county, browser, tmp_path):
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(phone_jpeg().read())
    phone = open_page(browser, PHONE)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{live_server.url}/tips/new/")
    phone.select_option("#id_category", "major_hazard")
    pick_place(phone, "甘肃省", "张掖市", "高台县", "城关镇")
    phone.fill("#id_address", "城关镇工业园区 3 号")
    phone.fill("#id_target", "某化工有限公司")
    phone.fill("#id_description", "夜间在罐区违规动火作业，无人监护。")
    phone.set_input_files("#id_evidence", str(photo))
    phone.fill("#captcha", captcha_answer(phone))
    assert page_width(phone) <= PHONE["width"]
    shot(phone, "tip-form-phone", full_page=True)
    phone.click("#tip-form button[type=submit]")

    expect(phone.locator("#receipt-code")).to_be_visible()
    receipt = phone.locator("#receipt-code").inner_text()
    passphrase = phone.locator("#receipt-passphrase").inner_text()
    expect(phone.locator("#receipt")).to_contain_text("高台县")
    assert page_width(phone) <= PHONE["width"]
    shot(phone, "tip-receipt-phone")
    tip = Tip.objects.get()
    assert tip.files.count() == 1
    assert not tip.identified

    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "staff")
    office.goto(f"{live_server.url}/tips/")
    office.click(f'#tips li[data-tip="{tip.pk}"] a')
    office.click("#step-accept button[type=submit]")
    expect(office.locator("#tip-state")).to_have_text("已受理，核查中")
    office.fill("#id_close-conclusion", "举报属实")
    office.fill("#id_close-findings", "现场检查发现罐区动火未办理作业票，无人监护。")
    office.fill("#id_close-decision", "责令停止作业、限期整改，罚款 5 万元。")
    office.fill("#id_close-reward_eligibility", "匿名举报，无法兑付奖励。")
    office.click("#step-close button[type=submit]")
    expect(office.locator("#tip-state")).to_have_text("已办结，待答复")
    office.click("#step-reply button[type=submit]")
    expect(office.locator("#tip-state")).to_have_text("已答复")
    shot(office, "tip-office-replied", full_page=True)

    reporter = open_page(browser, PHONE)
    reporter.goto(f"{live_server.url}/tips/follow/")
    reporter.fill("#id_receipt", receipt)
    reporter.fill("#id_passphrase", passphrase)
    reporter.fill("#captcha", captcha_answer(reporter))
    reporter.click("#follow-form button[type=submit]")
    expect(reporter.locator("#tip-reply")).to_contain_text("现场检查发现罐区动火未办理作业票")
    expect(reporter.locator("#tip-reply")).to_contain_text("匿名举报，无法兑付奖励。")
    reporter.fill("#objection_text", "处罚过轻，罐区至今仍在动火。")
    reporter.click("#objection button[type=submit]")
    expect(reporter.locator("#tip-state")).to_contain_text("已提出异议，复查中")
    assert page_width(reporter) <= PHONE["width"]
    shot(reporter, "tip-follow-objected-phone", full_page=True)

    factories.person(county.county.parent, Role.OFFICE_STAFF, "city-staff")
    city = open_page(browser, DESKTOP)
    log_in(city, live_server.url, "city-staff")
    city.goto(f"{live_server.url}/tips/")
    city.click("#waiting a")
    city.select_option("#id_reexamine-outcome", "revised")
    city.fill("#id_reexamine-result", "责令高台县应急管理局重新核查并从重处罚。")
    city.click("#step-reexamine button[type=submit]")
    expect(city.locator("#tip-state")).to_have_text("已复查")

    reporter.goto(f"{live_server.url}/tips/follow/")
    expect(reporter.locator("#tip-reply")).to_contain_text(
        "责令高台县应急管理局重新核查并从重处罚。"
    )
    expect(reporter.locator("#tip-reply")).to_contain_text("张掖市")

    office.goto(f"{live_server.url}/tips/enter/")
    office.select_option("#id_channel", "phone")
    office.select_option("#id_category", "illegal_operation")
    pick_place(office, "甘肃省", "张掖市", "高台县", "宣化镇")
    office.fill("#id_address", "宣化镇砖厂路")
    office.fill("#id_target", "某砖厂")
    office.fill("#id_description", "来电反映砖厂夜间违规生产。")
    office.click("#enter-form button[type=submit]")
    expect(office.locator("#read-back")).to_be_visible()
    expect(office.locator("#receipt-code")).to_be_visible()

    office.goto(f"{live_server.url}/tips/statistics/")
    expect(office.locator('#by-channel tr[data-key="web"] td').first).to_have_text("1")
    expect(office.locator('#by-channel tr[data-key="phone"] td').first).to_have_text("1")
    shot(office, "tip-statistics", full_page=True)
