"""A reused photo found by the worker: the office compares both photos, the town explains
on a phone, the office decides with a reason."""

import pytest
from playwright.sync_api import expect

from anxuan.integrity.enums import FlagKind, FlagState
from anxuan.integrity.models import Flag
from tests import factories
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot
from tests.integrity.conftest import photo_file, scene, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def loaded(page, selector: str) -> int:
    return page.eval_on_selector(selector, "img => img.complete ? img.naturalWidth : 0")


def test_the_office_compares_the_photos_the_town_explains_on_a_phone_and_the_office_decides(
    live_server, county, browser, worker
):
    week1 = factories.weekly_period(county.campaign, 1)
    image = scene(21)
    submit(county.town_liaison, county.participant, week1, files=[photo_file(image)], day=3)
    submit(
        county.other_liaison,
        county.other_participant,
        week1,
        files=[photo_file(image.resize((800, 600)), "宣化镇活动.jpg", quality=60)],
        day=4,
    )
    worker()
    flag = Flag.objects.get(kind=FlagKind.REUSED_PHOTO)

    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "office")
    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")
    office.click("#integrity-flags")
    expect(office.locator("h1")).to_have_text("疑似形式主义")
    row = office.locator("#flags tbody tr", has_text="宣化镇")
    expect(row).to_contain_text("重复使用的照片")
    expect(row).to_contain_text("待处理")
    shot(office, "integrity-flag-list")
    row.locator("a").click()
    expect(office.locator("#side-this")).to_contain_text("宣化镇")
    expect(office.locator("#side-other")).to_contain_text("城关镇")
    office.wait_for_load_state("load")
    assert loaded(office, "#image-this") > 0
    assert loaded(office, "#image-other") > 0
    shot(office, "integrity-flag", full_page=True)

    phone = open_page(browser, PHONE)
    log_in(phone, live_server.url, "liaison2")
    phone.click("#own-flags")
    expect(phone.locator("h1")).to_have_text("本单位报送中的疑似形式主义")
    assert page_width(phone) <= PHONE["width"]
    shot(phone, "integrity-own-flags-phone")
    phone.locator("#flags a", has_text="重复使用的照片").click()
    phone.wait_for_load_state("load")
    assert loaded(phone, "#image-this") > 0
    assert loaded(phone, "#image-other") > 0
    # The other town's report is not the liaison's to see: its photo and year only.
    expect(phone.locator("#side-other")).to_contain_text("本辖区以外的单位")
    expect(phone.locator("#side-other")).not_to_contain_text("城关镇")
    phone.click("#send-explanation")
    expect(phone.locator("#explain .errorlist")).to_contain_text("请说明为什么这不是形式主义")
    phone.fill("#id_text", "这是两镇在城关镇联合开展的同一场宣传咨询活动，照片由城关镇拍摄。")
    assert page_width(phone) <= PHONE["width"]
    phone.click("#send-explanation")
    expect(phone.locator(".messages")).to_contain_text("申辩已提交给办公室")
    expect(phone.locator("#flag-state")).to_have_text("单位已申辩")
    assert page_width(phone) <= PHONE["width"]
    shot(phone, "integrity-explain-phone", full_page=True)

    office.reload()
    expect(office.locator("#explanations")).to_contain_text("联合开展的同一场宣传咨询活动")
    office.click("#dismiss")
    expect(office.locator("#decide .errorlist")).to_contain_text("请说明决定的理由")
    office.fill("#id_reason", "经核实为两镇联合活动，照片共用。")
    office.click("#dismiss")
    expect(office.locator(".messages")).to_contain_text("已排除")
    expect(office.locator("#decisions")).to_contain_text("经核实为两镇联合活动")
    shot(office, "integrity-flag-decided", full_page=True)
    flag.refresh_from_db()
    assert flag.state == FlagState.DISMISSED
