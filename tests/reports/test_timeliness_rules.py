"""A period accepts reports from its opening (or the office's window before it), activities
are not dated after the submit, ad-hoc items are neither on time nor late, a campaign
without activity types does not ask for one, and times are shown to the second where
timeliness is judged (issue 11, items 4, 9, 11, 15)."""

import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from anxuan.reports.drafts import ReportDraft
from anxuan.reports.enums import State
from anxuan.reports.models import ActivityRecord, Submission
from tests import factories
from tests.api.conftest import api_as  # noqa: F401 (fixture)
from tests.exports.test_exports import export
from tests.reports.test_views import new_url, report_form


def at(day: int, hour: int, minute: int = 0, second: int = 0):
    when = datetime(2026, 6, day, hour, minute, second, tzinfo=SHANGHAI)
    return time_machine.travel(when, tick=False)


def activity(held_on: str, **extra) -> dict:
    return {"held_on": held_on, "activity_type": "主题宣讲", "people_reached": 30, **extra}


def test_week_4_cannot_be_submitted_before_it_opens(county):
    week4 = factories.weekly_period(county.campaign, 4)  # opens when week 3 is due, 06-18 12:00
    draft = factories.report(county.town_liaison, county.participant, week4)

    with at(2, 9), pytest.raises(ValidationError) as refused:
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert refused.value.messages == [
        "每周活动开展情况 · 第4周自 2026-06-18 12:00:00 起接受报送，现在还不能提交。"
    ]
    assert Submission.objects.get(pk=draft.pk).state == State.DRAFT


def test_the_office_may_accept_reports_days_before_a_period_opens(county):
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    campaign_services.save_requirement(
        actor=county.office_admin, campaign=county.campaign, requirement=weekly, opens_days_early=2
    )
    week4 = factories.weekly_period(county.campaign, 4)
    draft = factories.report(county.town_liaison, county.participant, week4)

    with at(16, 12, 0, 0):
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert Submission.objects.get(pk=draft.pk).timeliness == "on_time"


def test_an_activity_dated_after_the_day_of_submitting_is_refused(county):
    week1 = factories.weekly_period(county.campaign, 1)
    draft = factories.report(
        county.town_liaison,
        county.participant,
        week1,
        activities=[activity("2026-06-03"), activity("2026-06-04")],
    )

    with at(3, 23, 59, 59), pytest.raises(ValidationError) as refused:
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert refused.value.message_dict == {
        "activities.1.held_on": [
            "活动日期 2026-06-04 晚于报送当天（2026-06-03），尚未开展的活动不能报送。"
        ]
    }
    assert ActivityRecord.objects.count() == 0


def test_the_api_refuses_a_future_activity_on_its_field(county, api_as):  # noqa: F811
    week1 = factories.weekly_period(county.campaign, 1)
    draft = factories.report(
        county.town_liaison, county.participant, week1, activities=[activity("2026-06-05")]
    )

    with at(4, 11):
        response = api_as(county.town_liaison).post(f"/submissions/{draft.pk}/submit")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["activities.0.held_on"]


def adhoc_item(county) -> Submission:
    adhoc = county.campaign.requirements.get(kind=RequirementKind.ADHOC)
    return services.save_draft(
        actor=county.town_liaison,
        participant=county.participant,
        requirement=adhoc,
        period=None,
        draft=ReportDraft(text="镇里组织了一次重要的应急演练"),
    )


def test_an_ad_hoc_item_is_neither_on_time_nor_late_on_its_page_and_in_the_api(
    county,
    login,
    api_as,  # noqa: F811
):
    item = adhoc_item(county)
    with at(10, 9):
        services.submit_report(actor=county.town_liaison, submission=item)

    page = login(county.office_admin).get(reverse("reports:report_detail", args=[item.pk]))
    inbox = login(county.office_admin).get(reverse("reports:report_inbox"))
    api = api_as(county.office_admin).get(f"/submissions/{item.pk}").json()

    assert Submission.objects.get(pk=item.pk).timeliness == ""
    assert 'id="timeliness"' not in page.content.decode()
    for text in ("按时", "逾期"):
        assert text not in page.content.decode()
        assert text not in inbox.content.decode()
    assert api["timeliness"] == ""


def test_the_board_counts_ad_hoc_items_per_unit_and_never_calls_them_missing(county, login):
    for _ in range(2):
        item = adhoc_item(county)
        with at(10, 9):
            services.submit_report(actor=county.town_liaison, submission=item)
    adhoc = county.campaign.requirements.get(kind=RequirementKind.ADHOC)

    with at(20, 9):
        page = login(county.office_admin).get(
            reverse("rollup:completeness_board", args=[county.campaign.pk]),
            {"requirement": adhoc.pk},
        )

    html = page.content.decode()
    assert page.context["board"].periods == []
    assert [r.adhoc_counts for r in page.context["board"].rows] == [[2], [0], [0]]
    assert '<td class="adhoc-count">2</td>' in html
    assert "缺报" not in html.split('id="board"')[1].split("</table>")[0]


def test_the_board_workbook_counts_ad_hoc_items_per_unit(county, login):
    for _ in range(2):
        item = adhoc_item(county)
        with at(10, 9):
            services.submit_report(actor=county.town_liaison, submission=item)

    with at(20, 9):
        _, content = export(login(county.office_admin), county.campaign, "board")

    sheet = load_workbook(io.BytesIO(content)).active
    heads = [c.value for c in sheet[3]]
    column = heads.index("随时报送：活动信息（随时报送）")
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert sheet.cell(4, column + 1).value == "条数"
    assert (rows["城关镇"][column], rows["宣化镇"][column], rows["合计"][column]) == (2, 0, 2)


def test_the_liaison_home_offers_the_ad_hoc_requirement_with_a_button(county, login):
    adhoc = county.campaign.requirements.get(kind=RequirementKind.ADHOC)

    with at(10, 9):
        page = login(county.town_liaison).get(reverse("dashboards:home"))

    html = page.content.decode()
    link = (
        f"{reverse('reports:report_new')}?participant={county.participant.pk}"
        f"&amp;requirement={adhoc.pk}"
    )
    assert f'<a class="btn" href="{link}">报送</a>' in html
    assert "活动信息（随时报送）" in html.split('id="adhoc"')[1]


def blank_campaign(county):
    campaign = campaign_services.create_campaign(
        actor=county.office_admin,
        owner=county.county,
        kind="custom",
        title="防灾减灾宣传周",
        year=2026,
        starts_on=date(2026, 5, 10),
        ends_on=date(2026, 5, 16),
    )
    requirement = campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=campaign,
        kind="summary",
        title="活动总结",
        schedule="once",
        due_at=datetime(2026, 5, 16, 18, 0, tzinfo=SHANGHAI),
    )
    campaign_services.add_participants(
        actor=county.office_admin, campaign=campaign, organizations=[county.town]
    )
    return campaign, requirement, campaign.participants.get()


def test_a_campaign_without_activity_types_records_an_activity_without_one(county, login):
    _campaign, requirement, participant = blank_campaign(county)
    form = report_form(submit="1")
    del form["act-0-activity_type"]
    form.update({"act-0-held_on": "2026-05-12", "act-0-domain": ""})

    with time_machine.travel(datetime(2026, 5, 16, 10, 0, tzinfo=SHANGHAI), tick=False):
        page = login(county.town_liaison).get(new_url(participant, requirement.periods.get()))
        response = login(county.town_liaison).post(
            new_url(participant, requirement.periods.get()), form
        )

    assert 'name="act-0-activity_type"' not in page.content.decode()
    assert response.status_code == 302
    record = ActivityRecord.objects.get(version__submission__participant=participant)
    assert (record.activity_type, record.people_reached) == ("", 300)


def test_the_api_records_an_activity_without_a_type_when_the_campaign_has_none(
    county,
    api_as,  # noqa: F811
):
    _campaign, requirement, participant = blank_campaign(county)

    with time_machine.travel(datetime(2026, 5, 16, 10, 0, tzinfo=SHANGHAI), tick=False):
        created = api_as(county.town_liaison).post(
            "/submissions",
            {
                "participant_id": participant.pk,
                "period_id": requirement.periods.get().pk,
                "text": "宣传周总结",
                "activities": [{"held_on": "2026-05-12", "people_reached": 80}],
            },
        )

    assert created.status_code == 201
    assert created.json()["draft"]["activities"][0]["activity_type"] == ""


def test_report_pages_show_the_due_and_submitted_times_to_the_second(county, login):
    week1 = factories.weekly_period(county.campaign, 1)  # due 06-04 12:00:00
    draft = factories.report(county.town_liaison, county.participant, week1)
    with at(4, 12, 0, 41):
        services.submit_report(actor=county.town_liaison, submission=draft)

    page = login(county.office_admin).get(reverse("reports:report_detail", args=[draft.pk]))
    inbox = login(county.office_admin).get(reverse("reports:report_inbox"))
    with at(5, 9):
        board = login(county.office_admin).get(
            reverse("rollup:completeness_board", args=[county.campaign.pk])
        )

    html = page.content.decode()
    assert '<span id="due-at">2026年6月4日 星期四 12:00:00</span>' in html
    assert '<span id="first-submitted">2026-06-04 12:00:41</span>' in html
    assert "2026-06-04 12:00:41" in inbox.content.decode()
    assert 'title="截止 2026-06-04 12:00:00 · 首次提交 2026-06-04 12:00:41"' in (
        board.content.decode()
    )


def test_a_campaign_with_activity_types_still_asks_for_one_through_the_api(
    county,
    api_as,  # noqa: F811
):
    week1 = factories.weekly_period(county.campaign, 1)

    created = api_as(county.town_liaison).post(
        "/submissions",
        {
            "participant_id": county.participant.pk,
            "period_id": week1.pk,
            "activities": [{"held_on": "2026-06-02", "people_reached": 80}],
        },
    )

    assert created.status_code == 400
    assert created.json()["fields"] == {"activities.0.activity_type": ["请选择活动类型。"]}
