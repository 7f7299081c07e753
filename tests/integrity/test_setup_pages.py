"""The office configures the checks in the UI: rules, figure bounds, unit places, shared
materials, and sees what could not be checked. Two offices' different numbers, posted
through the forms, are what the checks follow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anxuan.campaigns import services as campaign_services
from anxuan.core.models import AuditEntry
from anxuan.integrity.enums import CheckState, FlagKind
from anxuan.integrity.models import (
    EvidenceCheck,
    FigureBound,
    Flag,
    Rules,
    SharedMaterial,
    UnitPlace,
)
from anxuan.orgs.enums import OrgKind, Role
from tests import factories
from tests.conftest import close_response
from tests.integrity.conftest import photo_file, scene, submit

pytestmark = pytest.mark.django_db(transaction=True)

DEFAULTS = {
    "photo_radius": "8",
    "video_frames": "3",
    "text_similarity": "0.80",
    "date_tolerance_days": "7",
    "activity_tolerance_days": "3",
    "distance_km": "30",
    "same_figures_periods": "3",
    "reach_multiple": "3",
    "shared_text": "",
}


def rules_url(campaign) -> str:
    return reverse("integrity:rules", args=[campaign.pk])


def places_url(campaign) -> str:
    return reverse("integrity:unit_places", args=[campaign.pk])


def other_office(county):
    """The neighbouring county (the `outsider`'s office), its Safety Month and one town
    taking part, with its liaison."""
    elsewhere = county.outsider.memberships.get().organization
    town = factories.org("蓼泉镇", OrgKind.TOWN, elsewhere, "620723100")
    campaign = factories.safety_month(county.outsider, elsewhere)
    campaign_services.add_participants(
        actor=county.outsider,
        campaign=campaign,
        organizations=[town],
        joined_on=campaign_services.work_starts_on(campaign),
    )
    liaison = factories.person(town, Role.LIAISON, "liaison-b")
    return campaign, campaign.participants.get(organization=town), liaison


def test_the_rules_page_names_every_rule_and_what_it_means(county, login):
    page = login(county.office_admin).get(rules_url(county.campaign))

    assert page.status_code == 200
    html = page.content.decode()
    for label in (
        "照片相似判定距离",
        "视频相同画面数",
        "文字相似度",
        "照片可超出活动时间的天数",
        "照片拍摄地与单位的距离",
        "连续相同数据的期数",
        "覆盖人数上限（人口的倍数）",
        "各单位可重复的内容",
    ):
        assert label in html
    assert "64 位" in html  # the photo distance says what its number counts
    assert "城关镇" in html
    assert "宣化镇" in html


def test_the_campaign_page_links_the_rules_for_its_managers_only(county, login):
    url = reverse("campaigns:campaign_detail", args=[county.campaign.pk])
    rules = rules_url(county.campaign)
    unchecked = reverse("integrity:unchecked", args=[county.campaign.pk])

    office = login(county.office_admin).get(url).content.decode()
    reviewer = login(county.reviewer).get(url).content.decode()
    liaison = login(county.town_liaison).get(url).content.decode()

    assert rules in office
    assert unchecked in office
    assert rules not in reviewer
    assert unchecked in reviewer
    assert rules not in liaison
    assert unchecked not in liaison


def test_two_offices_set_different_numbers_and_the_checks_follow_them(county, login, worker):
    campaign_b, participant_b, liaison_b = other_office(county)
    a = login(county.office_admin)
    assert (
        a.post(rules_url(county.campaign), DEFAULTS | {"date_tolerance_days": "0"}).status_code
        == 302
    )
    assert (
        a.post(
            places_url(county.campaign),
            {f"lat_{county.town.pk}": "39.37", f"lon_{county.town.pk}": "99.82"},
        ).status_code
        == 302
    )
    b = login(county.outsider)
    town_b = participant_b.organization
    assert (
        b.post(
            rules_url(campaign_b), DEFAULTS | {"date_tolerance_days": "365", "distance_km": "1000"}
        ).status_code
        == 302
    )
    assert (
        b.post(
            places_url(campaign_b), {f"lat_{town_b.pk}": "39.37", f"lon_{town_b.pk}": "99.82"}
        ).status_code
        == 302
    )
    assert Rules.objects.get(campaign=county.campaign).date_tolerance_days == 0
    assert Rules.objects.get(campaign=campaign_b).date_tolerance_days == 365

    # B allows the most days (365): last June's photo is within them, not within A's 0.
    # The same photo of last summer, taken in Lanzhou (about 500 km away), in both campaigns.
    def old_photo():
        return photo_file(scene(21), "去年.jpg", taken="2025:06:10 09:00:00", gps=(36.06, 103.83))

    week_a = factories.weekly_period(county.campaign, 1)
    week_b = factories.weekly_period(campaign_b, 1)
    submit(county.town_liaison, county.participant, week_a, files=[old_photo()])
    submit(liaison_b, participant_b, week_b, files=[old_photo()], day=5)
    worker()

    found = {
        (f.campaign_id, f.kind)
        for f in Flag.objects.filter(kind__in=[FlagKind.TAKEN_OUTSIDE, FlagKind.PLACE])
    }
    assert found == {
        (county.campaign.pk, FlagKind.TAKEN_OUTSIDE),
        (county.campaign.pk, FlagKind.PLACE),
    }
    assert AuditEntry.objects.filter(action="integrity.set_rules").count() == 2
    assert AuditEntry.objects.filter(action="integrity.set_place").count() == 2


def test_a_figure_bound_added_in_the_ui_flags_a_report_and_can_be_removed(county, login, worker):
    client = login(county.office_admin)
    indicators = list(county.campaign.indicators.all()[:2])
    factories.weekly_period(county.campaign, 1).requirement.indicators.add(*indicators)

    page = client.get(rules_url(county.campaign)).content.decode()
    assert indicators[0].name in page
    response = client.post(
        reverse("integrity:bound_add", args=[county.campaign.pk]),
        {"lesser": indicators[0].pk, "greater": indicators[1].pk},
    )
    assert response.status_code == 302
    bad = {str(indicators[0].pk): "50", str(indicators[1].pk): "30"}
    submit(
        county.town_liaison,
        county.participant,
        factories.weekly_period(county.campaign, 1),
        values=bad,
    )
    worker()
    assert Flag.objects.get().kind == FlagKind.FIGURES_CONTRADICT

    bound = FigureBound.objects.get()
    page = client.get(rules_url(county.campaign)).content.decode()
    assert f"{indicators[0].name} 不应超过 {indicators[1].name}" in page
    client.post(reverse("integrity:bound_remove", args=[county.campaign.pk, bound.pk]))
    assert not FigureBound.objects.exists()
    assert (
        AuditEntry.objects.filter(
            action__in=["integrity.add_bound", "integrity.remove_bound"]
        ).count()
        == 2
    )


def test_a_bound_of_one_indicator_with_itself_is_refused(county, login):
    indicator = county.campaign.indicators.first()

    response = login(county.office_admin).post(
        reverse("integrity:bound_add", args=[county.campaign.pk]),
        {"lesser": indicator.pk, "greater": indicator.pk},
    )

    assert response.status_code == 400
    assert "请选择两个不同的指标" in response.content.decode()
    assert not FigureBound.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("photo_radius", "99", "照片相似判定距离应在 0 到 12 位之间"),
        ("text_similarity", "0.3", "文字相似度应在 0.70 到 1.00 之间"),
        ("date_tolerance_days", "-1", "确保该值大于或等于0"),
        ("distance_km", "十", "输入整数"),
    ],
)
def test_bad_rules_get_a_clear_message_and_save_nothing(county, login, field, value, message):
    response = login(county.office_admin).post(
        rules_url(county.campaign), DEFAULTS | {"date_tolerance_days": "1", field: value}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Rules.objects.get(campaign=county.campaign).date_tolerance_days == 7  # the default
    assert not AuditEntry.objects.filter(action="integrity.set_rules").exists()


def test_a_bad_latitude_saves_no_place_at_all(county, login):
    town, other = county.town.pk, county.other_town.pk
    response = login(county.office_admin).post(
        places_url(county.campaign),
        {
            f"lat_{town}": "39.37",
            f"lon_{town}": "99.82",
            f"pop_{town}": "12000",
            f"lat_{other}": "200",
            f"lon_{other}": "99.9",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "纬度应为 -90 到 90 之间的数" in html
    assert "没有保存" in html
    assert 'value="12000"' in html  # what was typed stays in the table
    assert not UnitPlace.objects.exists()


def test_a_latitude_without_its_longitude_is_refused(county, login):
    response = login(county.office_admin).post(
        places_url(county.campaign), {f"lat_{county.town.pk}": "39.37"}
    )

    assert response.status_code == 400
    assert "经度和纬度须同时填写" in response.content.decode()
    assert not UnitPlace.objects.exists()


def test_rules_of_another_county_are_not_found_and_a_reviewer_may_not_set_them(county, login):
    assert login(county.outsider).get(rules_url(county.campaign)).status_code == 404
    response = login(county.reviewer).post(rules_url(county.campaign), DEFAULTS)
    assert response.status_code == 403
    assert not Rules.objects.filter(date_tolerance_days=0).exists()


# Shared materials -------------------------------------------------------------------------


def test_an_office_shares_a_poster_and_a_text_sees_the_check_and_removes_them(
    county, login, worker
):
    client = login(county.office_admin)
    url = reverse("integrity:materials")
    poster = photo_file(scene(22), "海报.jpg", taken=None)

    response = client.post(url, {"title": "安全生产月主题海报", "text": "", "file": poster})
    assert response.status_code == 302
    response = client.post(url, {"title": "主题口号", "text": "人人讲安全，个个会应急"})
    assert response.status_code == 302
    worker()

    html = client.get(url).content.decode()
    poster_row = SharedMaterial.objects.get(title="安全生产月主题海报")
    assert EvidenceCheck.objects.get(material=poster_row).state == CheckState.CHECKED
    assert "已建立指纹" in html
    assert reverse("integrity:material_thumb", args=[poster_row.pk]) in html
    thumb = client.get(reverse("integrity:material_thumb", args=[poster_row.pk]))
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    close_response(thumb)
    assert (
        login(county.outsider)
        .get(reverse("integrity:material_thumb", args=[poster_row.pk]))
        .status_code
        == 404
    )

    client = login(county.office_admin)
    for material in SharedMaterial.objects.all():
        assert (
            client.post(reverse("integrity:material_remove", args=[material.pk])).status_code == 302
        )
    assert not SharedMaterial.objects.exists()
    actions = set(
        AuditEntry.objects.filter(action__startswith="integrity.").values_list("action", flat=True)
    )
    assert actions == {"integrity.share", "integrity.unshare"}


def test_a_material_that_cannot_be_read_says_why(county, login, worker):
    from tests.integrity.test_checks import _store

    client = login(county.office_admin)
    client.post(
        reverse("integrity:materials"),
        {"title": "视频", "text": "", "file": photo_file(scene(23), taken=None)},
    )
    material = SharedMaterial.objects.get()
    material.storage_name = _store(b"\xff\xd8\xff" + b"broken" * 100)
    material.save(update_fields=["storage_name"])
    worker()

    html = client.get(reverse("integrity:materials")).content.decode()
    assert "无法检查：" in html


def test_a_text_file_as_a_poster_is_refused_and_nothing_is_saved(county, login):
    text = SimpleUploadedFile("海报.jpg", "这是一段文字，不是图片。".encode())

    response = login(county.office_admin).post(
        reverse("integrity:materials"), {"title": "海报", "text": "", "file": text}
    )

    assert response.status_code == 400
    assert "“海报.jpg”不是照片或视频" in response.content.decode()
    assert not SharedMaterial.objects.exists()


def test_a_liaison_may_not_share(county, login):
    client = login(county.town_liaison)

    assert client.get(reverse("integrity:materials")).status_code == 403
    assert (
        client.post(reverse("integrity:materials"), {"title": "x", "text": "y"}).status_code == 403
    )
    assert not SharedMaterial.objects.exists()


# Could not check ------------------------------------------------------------------------


def test_the_office_sees_what_could_not_be_checked_and_how_the_checks_keep_up(
    county, login, worker
):
    week1 = factories.weekly_period(county.campaign, 1)
    version = submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[photo_file(scene(24), "好的.jpg"), photo_file(scene(25), "坏的.jpg")],
    )
    broken = version.attachments.get(original_name="坏的.jpg")
    from tests.integrity.test_checks import _store

    broken.storage_name = _store(b"\xff\xd8\xff" + b"broken" * 100)
    broken.save(update_fields=["storage_name"])
    url = reverse("integrity:unchecked", args=[county.campaign.pk])
    client = login(county.office_admin)

    before = client.get(url).content.decode()
    worker()
    after = client.get(url).content.decode()

    assert '<div class="stat" id="count-pending"><strong>2</strong>' in before
    assert '<div class="stat" id="count-checked"><strong>1</strong>' in after
    assert '<div class="stat" id="count-pending"><strong>0</strong>' in after
    assert '<div class="stat" id="count-failed"><strong>1</strong>' in after
    table = after.split('id="unchecked"')[1]
    assert "坏的.jpg" in table
    assert "好的.jpg" not in table
    assert "城关镇" in table
    assert EvidenceCheck.objects.get(attachment=broken).reason in table
    assert reverse("reports:report_detail", args=[version.submission_id]) in table


# N+1 guards -----------------------------------------------------------------------------


def queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session warms its caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_materials_list_queries_do_not_grow(county, login):
    from anxuan.integrity import services

    client = login(county.office_admin)
    url = reverse("integrity:materials")

    def share(n: int) -> None:
        services.share_material(
            actor=county.office_admin,
            owner=county.county,
            title=f"口号{n}",
            text=f"口号{n}",
            upload=None,
        )

    share(1)
    one = queries_of(client, url)
    share(2)
    share(3)

    assert queries_of(client, url) == one


def test_the_unchecked_list_and_the_places_table_queries_do_not_grow(county, login):
    week1 = factories.weekly_period(county.campaign, 1)
    version = submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[photo_file(scene(30 + n), f"{n}.jpg") for n in range(3)],
    )
    attachments = list(version.attachments.order_by("pk"))
    client = login(county.office_admin)
    unchecked = reverse("integrity:unchecked", args=[county.campaign.pk])

    def fail(attachment) -> None:  # what the worker leaves for a file it cannot read
        EvidenceCheck.objects.update_or_create(
            attachment=attachment, defaults={"state": CheckState.FAILED, "reason": "坏"}
        )

    fail(attachments[0])
    one = queries_of(client, unchecked)
    for a in attachments[1:]:
        fail(a)
    assert queries_of(client, unchecked) == one

    rules = rules_url(county.campaign)
    UnitPlace.objects.create(organization=county.town, latitude=39.4, longitude=99.8)
    one = queries_of(client, rules)
    UnitPlace.objects.create(organization=county.other_town, latitude=39.4, longitude=99.8)
    UnitPlace.objects.create(organization=county.department, population=300)
    assert queries_of(client, rules) == one
