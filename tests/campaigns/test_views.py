from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.campaigns import services
from anxuan.campaigns.models import Campaign, Requirement
from anxuan.orgs.enums import OrgKind
from tests import factories


def test_office_creates_a_safety_month_from_the_template(county, login):
    response = login(county.office_admin).post(
        reverse("campaigns:campaign_create"),
        {"template": "safety_month", "owner": county.county.pk, "year": 2027},
    )

    campaign = Campaign.objects.get(year=2027)
    assert response.status_code == 302
    assert response.url == reverse("campaigns:campaign_detail", args=[campaign.pk])
    page = login(county.office_admin).get(response.url).content.decode()
    for day in ("2027-06-03", "2027-06-10", "2027-06-17", "2027-06-24"):
        assert f'data-due="{day}T12:00:00+08:00"' in page


def test_blank_campaign_without_dates_is_refused_in_chinese(county, login):
    response = login(county.office_admin).post(
        reverse("campaigns:campaign_create"),
        {"template": "blank", "owner": county.county.pk, "year": 2027},
    )

    assert response.status_code == 400
    assert response.content.decode().count("空白活动必须填写此项。") == 3
    assert not Campaign.objects.filter(year=2027).exists()


def test_weekly_requirement_set_up_in_the_form(county, login):
    url = reverse("campaigns:requirement_create", args=[county.campaign.pk])
    form = {
        "kind": "weekly",
        "title": "每周五报送",
        "schedule": "weekly",
        "weekday": "4",
        "due_time": "17:00",
        "repeat_from": "2026-06-01",
        "repeat_until": "2026-06-30",
    }

    response = login(county.office_admin).post(url, form)

    assert response.status_code == 302
    requirement = Requirement.objects.get(title="每周五报送")
    assert requirement.periods.count() == 4
    assert (
        "每星期五 17:00 前"
        in login(county.office_admin)
        .get(reverse("campaigns:campaign_detail", args=[county.campaign.pk]))
        .content.decode()
    )


def test_requirement_form_names_the_missing_field(county, login):
    url = reverse("campaigns:requirement_create", args=[county.campaign.pk])

    response = login(county.office_admin).post(
        url, {"kind": "weekly", "title": "周报", "schedule": "weekly", "weekday": "3"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("该报送规则必须填写此项。") == 3
    assert not Requirement.objects.filter(title="周报").exists()


def test_reversed_dates_are_refused(county, login):
    url = reverse("campaigns:requirement_create", args=[county.campaign.pk])

    response = login(county.office_admin).post(url, {
        "kind": "weekly", "title": "周报", "schedule": "weekly", "weekday": "3",
        "due_time": "12:00", "repeat_from": "2026-06-30", "repeat_until": "2026-06-01",
    })  # fmt: skip

    assert response.status_code == 400
    assert "最后一天早于第一天。" in response.content.decode()


def test_copy_page_makes_next_year(county, login):
    response = login(county.office_admin).post(
        reverse("campaigns:campaign_copy", args=[county.campaign.pk]), {"year": 2027}
    )

    copy = Campaign.objects.get(year=2027)
    assert response.url == reverse("campaigns:campaign_detail", args=[copy.pk])
    assert copy.copied_from == county.campaign


def test_participants_page_shows_who_has_not_registered(county, login):
    services.register_liaison(
        actor=county.town_liaison, participant=county.participant, name="张三", title="安全员",
        mobile="13811112222",
    )  # fmt: skip

    page = (
        login(county.office_admin)
        .get(reverse("campaigns:participants", args=[county.campaign.pk]) + "?show=unregistered")
        .content.decode()
    )

    assert "宣化镇" in page
    assert "县交通运输局" in page
    assert "城关镇" not in page.split('id="participants"')[1].split("</table>")[0]


def test_liaison_home_lists_the_liaison_form_and_the_weeks_due(county, login):
    page = login(county.town_liaison).get(reverse("dashboards:home")).content.decode()

    assert (
        reverse("campaigns:liaison_register", args=[county.campaign.pk, county.participant.pk])
        in page
    )
    assert (
        reverse(
            "campaigns:liaison_register", args=[county.campaign.pk, county.other_participant.pk]
        )
        not in page
    )


def test_liaison_form_with_a_bad_mobile_saves_nothing(county, login):
    url = reverse("campaigns:liaison_register", args=[county.campaign.pk, county.participant.pk])

    response = login(county.town_liaison).post(
        url, {"name": "张三", "title": "安全员", "mobile": "1234"}
    )

    assert response.status_code == 400
    assert "请输入以 1 开头的 11 位手机号码。" in response.content.decode()
    county.participant.refresh_from_db()
    assert county.participant.registered_at is None


def test_calendar_shows_every_due_time(county, login):
    page = (
        login(county.reviewer)
        .get(reverse("campaigns:campaign_calendar", args=[county.campaign.pk]))
        .content.decode()
    )

    assert page.count("每周活动开展情况") >= 8  # four in the grid, four in the table
    assert "2026年6月" in page


@pytest.mark.parametrize("extra", [1, 3])
def test_campaign_list_queries_do_not_grow_with_rows(county, login, extra):
    client = login(county.office_admin)
    for i in range(extra):
        services.create_campaign(
            actor=county.office_admin, owner=county.county, title=f"活动{i}", year=2026,
            starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
        )  # fmt: skip
    client.get(reverse("campaigns:campaign_list"))  # warm the session

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("campaigns:campaign_list")).status_code == 200

    assert len(ctx.captured_queries) == 4


@pytest.mark.parametrize("extra", [1, 3])
def test_participant_list_queries_do_not_grow_with_rows(county, login, extra):
    client = login(county.office_admin)
    units = [factories.org(f"企业{i}", OrgKind.ENTERPRISE, county.town) for i in range(extra)]
    services.add_participants(
        actor=county.office_admin, campaign=county.campaign, organizations=units
    )
    client.get(reverse("campaigns:participants", args=[county.campaign.pk]))

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("campaigns:participants", args=[county.campaign.pk]))

    # 6, and whether the campaign asks for a liaison form, and its latest unit import
    assert len(ctx.captured_queries) == 8


def test_seven_domain_campaign_shows_the_evidence_each_phase_asks_for(county, login):
    campaign = services.create_campaign_from_blueprint(
        actor=county.office_admin, owner=county.county, blueprint_key="seven_domains", year=2027
    )

    page = login(county.office_admin).get(campaign.get_absolute_url()).content.decode()

    assert "音视频、图片、报刊剪报、网站截图、手机截屏、文字材料" in page
    assert "进公共场所" in page
