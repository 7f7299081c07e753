import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.campaigns import services as campaign_services
from anxuan.reports import services
from anxuan.reports.enums import State
from anxuan.reports.models import Submission
from tests import factories


def new_url(participant, period) -> str:
    return f"{reverse('reports:report_new')}?participant={participant.pk}&period={period.pk}"


def report_form(**extra) -> dict:
    form = {
        "text": "6月2日在中心广场开展安全宣传咨询活动",
        "act-TOTAL_FORMS": "2",
        "act-INITIAL_FORMS": "0",
        "act-MIN_NUM_FORMS": "0",
        "act-MAX_NUM_FORMS": "50",
        "act-0-held_on": "2026-06-02",
        "act-0-activity_type": "安全宣传咨询日",
        "act-0-domain": "进社区",
        "act-0-place": "中心广场",
        "act-0-people_reached": "300",
        "act-0-description": "展板 5 块",
        "act-1-people_reached": "0",
    }
    form.update(extra)
    return form


def test_liaison_submits_a_weekly_report_from_the_form(county, login):
    period = factories.weekly_period(county.campaign)
    client = login(county.town_liaison)

    response = client.post(new_url(county.participant, period), report_form(submit="1"))

    submission = Submission.objects.get(participant=county.participant, period=period)
    assert response.status_code == 302
    assert response.url == reverse("reports:report_detail", args=[submission.pk])
    assert submission.state == State.SUBMITTED
    version = submission.versions.get()
    assert version.activities.get().place == "中心广场"
    page = client.get(response.url).content.decode()
    assert "6月2日在中心广场开展安全宣传咨询活动" in page


def test_saving_a_draft_then_submitting_from_the_edit_page(county, login):
    period = factories.weekly_period(county.campaign)
    client = login(county.town_liaison)

    client.post(new_url(county.participant, period), report_form(save="1"))
    submission = Submission.objects.get(period=period)
    assert submission.state == State.DRAFT
    assert client.get(new_url(county.participant, period)).url == reverse(
        "reports:report_edit", args=[submission.pk]
    )
    client.post(reverse("reports:report_edit", args=[submission.pk]), report_form(submit="1"))

    assert Submission.objects.get(pk=submission.pk).versions.count() == 1


def test_an_unknown_activity_type_is_refused_on_its_field(county, login):
    period = factories.weekly_period(county.campaign)

    response = login(county.town_liaison).post(
        new_url(county.participant, period), report_form(**{"act-0-activity_type": "跳舞"})
    )

    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not Submission.objects.exists()


def test_submitting_an_empty_report_says_what_is_missing(county, login):
    period = factories.weekly_period(county.campaign)

    response = login(county.town_liaison).post(
        new_url(county.participant, period), report_form(text="", submit="1")
    )

    assert response.status_code == 400
    assert "请先填写本单位开展的工作再提交。" in response.content.decode()


def test_a_liaison_cannot_open_another_units_report_form(county, login):
    period = factories.weekly_period(county.campaign)

    response = login(county.other_liaison).get(new_url(county.participant, period))

    assert response.status_code == 404


def test_returned_report_shows_the_reason_to_the_liaison(county, login):
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    services.submit_report(actor=county.town_liaison, submission=draft)

    login(county.office_admin).post(
        reverse("reports:report_return", args=[draft.pk]), {"reason": "请补充活动照片"}
    )

    home = login(county.town_liaison).get(reverse("dashboards:home")).content.decode()
    assert "请补充活动照片" in home
    form = login(county.town_liaison).get(reverse("reports:report_edit", args=[draft.pk]))
    assert "请补充活动照片" in form.content.decode()


def test_inbox_bulk_accepts_the_ticked_reports(county, login):
    period = factories.weekly_period(county.campaign)
    ids = []
    for participant, liaison in (
        (county.participant, county.town_liaison),
        (county.other_participant, county.other_liaison),
    ):
        draft = factories.report(liaison, participant, period)
        services.submit_report(actor=liaison, submission=draft)
        ids.append(draft.pk)

    response = login(county.office_staff).post(reverse("reports:report_inbox"), {"ids": ids})

    assert response.status_code == 302
    assert set(Submission.objects.values_list("state", flat=True)) == {State.ACCEPTED}


@pytest.mark.parametrize("units", [1, 3])
def test_inbox_queries_do_not_grow_with_rows(county, login, units):
    from anxuan.campaigns import services as campaign_services
    from anxuan.orgs.enums import OrgKind, Role

    period = factories.weekly_period(county.campaign)
    for i in range(units):
        unit = factories.org(f"企业{i}", OrgKind.ENTERPRISE, county.town)
        liaison = factories.person(unit, Role.LIAISON)
        campaign_services.add_participants(
            actor=county.office_admin, campaign=county.campaign, organizations=[unit]
        )
        participant = county.campaign.participants.get(organization=unit)
        services.submit_report(
            actor=liaison, submission=factories.report(liaison, participant, period)
        )
    client = login(county.office_admin)
    client.get(reverse("reports:report_inbox"))

    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("reports:report_inbox"))

    assert page.content.decode().count('name="ids"') == units
    assert len(ctx.captured_queries) == 5


def test_the_office_sees_what_changed_between_versions(county, login):
    period = factories.weekly_period(county.campaign)
    draft = factories.report(
        county.town_liaison, county.participant, period, text="发放资料 500 份"
    )
    services.submit_report(actor=county.town_liaison, submission=draft)
    services.return_submission(actor=county.office_admin, submission=draft, reason="数字有误")
    factories.report(county.town_liaison, county.participant, period, text="发放资料 800 份")
    services.submit_report(actor=county.town_liaison, submission=draft)

    page = login(county.office_admin).get(reverse("reports:report_detail", args=[draft.pk]))

    html = page.content.decode()
    assert "与第 1 版相比的修改" in html
    assert "<del>5</del><ins>8</ins>" in html


@pytest.mark.parametrize("extra", [1, 3])
def test_home_queries_do_not_grow_with_campaigns(county, login, extra):
    client = login(county.town_liaison)
    for year in range(2030, 2030 + extra):
        campaign = factories.safety_month(county.office_admin, county.county, year)
        campaign_services.add_participants(
            actor=county.office_admin, campaign=campaign, organizations=[county.town]
        )
    client.get(reverse("dashboards:home"))

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("dashboards:home"))

    # two for the ad-hoc requirements, one for the unit's open integrity flags, one for the
    # assessments the person was named to score
    assert len(ctx.captured_queries) == 13


def test_inbox_filters_by_requirement_and_attachments(county, login):
    from tests.reports import evidence

    period = factories.weekly_period(county.campaign)
    plain = factories.report(county.other_liaison, county.other_participant, period)
    services.submit_report(actor=county.other_liaison, submission=plain)
    client = login(county.town_liaison)
    client.post(
        new_url(county.participant, period), {**report_form(submit="1"), "files": [evidence.pdf()]}
    )
    with_files = Submission.objects.get(participant=county.participant)
    office = login(county.office_admin)
    base = reverse("reports:report_inbox") + f"?campaign={county.campaign.pk}"

    only_files = office.get(base + "&files=1").content.decode()
    weekly = office.get(base + f"&requirement={period.requirement_id}").content.decode()
    other = county.campaign.requirements.exclude(pk=period.requirement_id).first()
    none = office.get(base + f"&requirement={other.pk}").content.decode()

    assert f'name="ids" value="{with_files.pk}"' in only_files
    assert f'name="ids" value="{plain.pk}"' not in only_files
    assert weekly.count('name="ids"') == 2
    assert none.count('name="ids"') == 0


def test_an_important_ad_hoc_item_goes_to_the_top_of_the_inbox(county, login):
    from anxuan.campaigns.enums import Schedule

    adhoc = county.campaign.requirements.get(schedule=Schedule.ANYTIME)
    period = factories.weekly_period(county.campaign)
    weekly = factories.report(county.other_liaison, county.other_participant, period)
    services.submit_report(actor=county.other_liaison, submission=weekly)
    client = login(county.town_liaison)
    page = client.get(
        reverse("campaigns:campaign_detail", args=[county.campaign.pk])
    ).content.decode()
    new = reverse("reports:report_new")
    link = f"{new}?participant={county.participant.pk}&amp;requirement={adhoc.pk}"
    assert link in page

    response = client.post(
        link.replace("&amp;", "&"), {**report_form(submit="1"), "important": "on"}
    )

    item = Submission.objects.get(requirement=adhoc)
    assert response.status_code == 302
    assert (item.important, item.period, item.timeliness) == (True, None, "")  # no due time
    inbox = login(county.office_admin).get(reverse("reports:report_inbox")).content.decode()
    assert inbox.index(f'name="ids" value="{item.pk}"') < inbox.index(
        f'name="ids" value="{weekly.pk}"'
    )
