"""A weekly report goes round on a phone: submit, returned with a reason, resubmitted,
accepted; every version stays readable."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.reports.enums import State
from anxuan.reports.models import Submission
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot
from tests.reports import evidence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# Inside the week of 2027's first Thursday: a period accepts reports only once it has opened,
# and an activity may not be dated after the day of submitting.
@time_machine.travel(datetime(2027, 6, 2, 15, 0, tzinfo=SHANGHAI))
def test_weekly_report_round_trip(live_server, county, browser, tmp_path):
    next_year = campaign_services.copy_campaign(
        actor=county.office_admin, source=county.campaign, year=2027
    )
    liaison = open_page(browser, PHONE)
    log_in(liaison, live_server.url, "liaison")

    first_week = liaison.locator("#due tbody tr", has_text="第1周").first
    expect(first_week).to_contain_text("未报送")
    first_week.locator("a", has_text="第1周").click()
    liaison.fill("#id_text", "本周在城关镇中心广场开展安全宣传咨询活动，发放资料 500 份。")
    liaison.fill("#id_act-0-held_on", "2027-06-02")
    liaison.select_option("#id_act-0-activity_type", "安全宣传咨询日")
    liaison.select_option("#id_act-0-domain", "进社区")
    liaison.fill("#id_act-0-place", "城关镇中心广场")
    liaison.fill("#id_act-0-people_reached", "300")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(evidence.jpeg().read())
    liaison.set_input_files("#id_files", str(photo))
    assert page_width(liaison) <= PHONE["width"]
    shot(liaison, "report-form-phone")
    liaison.click("button[name=submit]")

    expect(liaison.locator("#state")).to_have_text("已提交")
    expect(liaison.locator("#timeliness")).to_have_text("按时")
    expect(liaison.locator("#version-1 ul.files img")).to_have_attribute("alt", "现场照片.jpg")
    submission = Submission.objects.get(participant__campaign=next_year)

    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "office")
    office.goto(f"{live_server.url}/reports/inbox/")
    office.locator("#inbox a", has_text="第1周").click()
    office.fill("#id_reason", "请补充活动照片和参与人数说明")
    office.click("#review button.secondary")
    expect(office.locator("#state")).to_have_text("已退回")

    liaison.goto(f"{live_server.url}/")
    expect(liaison.locator("#returned")).to_contain_text("请补充活动照片和参与人数说明")
    liaison.locator("#returned a").click()
    expect(liaison.locator(".returned").first).to_contain_text("请补充活动照片")
    liaison.fill("#id_text", "本周开展安全宣传咨询活动，参与群众 300 人，发放资料 500 份。")
    liaison.click("button[name=submit]")
    expect(liaison.locator("#state")).to_have_text("已重新提交")
    expect(liaison.locator(".version")).to_have_count(2)
    expect(liaison.locator("#version-1")).to_contain_text("发放资料 500 份")
    expect(liaison.locator("#version-2 ul.files img")).to_have_count(1)  # the photo carries over
    shot(liaison, "report-versions-phone", full_page=True)

    office.reload()
    office.click("#review button[type=submit] >> nth=0")
    expect(office.locator("#state")).to_have_text("已采用")
    submission.refresh_from_db()
    assert submission.state == State.ACCEPTED
    assert submission.versions.count() == 2
