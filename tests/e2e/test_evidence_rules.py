"""A liaison on a phone sees what a summary must attach, sends a photo only, and is told
exactly what is missing (issue 11: the first browser test of "Done when")."""

import pytest
from playwright.sync_api import expect

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports.enums import State
from anxuan.reports.models import Submission
from tests.e2e.browser import PHONE, log_in, open_page, page_width, shot
from tests.reports import evidence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_summary_without_its_video_is_refused_naming_the_video(
    live_server, county, browser, tmp_path
):
    summary = county.campaign.requirements.get(kind=RequirementKind.SUMMARY)
    campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county.campaign,
        requirement=summary,
        min_photos=1,
        min_videos=1,
    )
    photo = tmp_path / "活动现场.jpg"
    photo.write_bytes(evidence.jpeg().read())
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "liaison")

    page.goto(
        f"{live_server.url}/reports/new/?participant={county.participant.pk}"
        f"&period={summary.periods.get().pk}"
    )
    needs = page.locator("#evidence-needs")
    expect(needs).to_contain_text("需附材料")
    expect(needs).to_contain_text("图片：至少 1，已附 0")
    expect(needs).to_contain_text("音视频：至少 1，已附 0")
    page.fill("#id_text", "城关镇“安全生产月”活动总结：开展宣传咨询、应急演练等活动 6 场。")
    page.set_input_files("#id_files", str(photo))
    page.click("button[name=submit]")

    errors = page.locator("#evidence-needs ~ .field .errorlist li")
    expect(errors).to_have_text(
        ["还缺 1 个音视频，补上后再提交。", "刚才选择的文件没有保存，请重新选择。"]
    )
    assert page_width(page) <= PHONE["width"]
    errors.first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -160)")
    shot(page, "evidence-missing-video")
    assert not Submission.objects.filter(participant=county.participant, period__isnull=False,
                                         state=State.SUBMITTED).exists()  # fmt: skip
