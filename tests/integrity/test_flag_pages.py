"""The review pages of suspected formalism: the office's list and decision, both sides of a
match as each viewer may see them, the unit's explanation and its own list."""

import re
from dataclasses import dataclass

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.campaigns.models import Campaign, Participant
from anxuan.integrity.enums import FlagKind, FlagState
from anxuan.integrity.models import Explanation, ExplanationFile, Flag
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Person
from tests import factories
from tests.conftest import close_response
from tests.integrity import media
from tests.integrity.conftest import photo_file, scene, submit

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Reuse:
    flag: Flag
    city_office: Person
    neighbour_participant: Participant
    city_campaign: Campaign


@pytest.fixture
def reuse(county, city, worker) -> Reuse:
    """临泽县 (another county) reports a photo in the city's campaign; 城关镇 of 高台县 uses
    it the next day in the county's campaign. The worker finds it."""
    neighbour = county.outsider.memberships.get().organization
    neighbour_liaison = factories.person(neighbour, Role.LIAISON, "nliaison")
    neighbour_participant = city.participants.get(organization=neighbour)
    image = scene(11)
    submit(
        neighbour_liaison,
        neighbour_participant,
        factories.weekly_period(city, 1),
        files=[photo_file(image, "临泽现场.jpg")],
        day=3,
    )
    worker()
    submit(
        county.town_liaison,
        county.participant,
        factories.weekly_period(county.campaign, 1),
        files=[photo_file(image, "城关现场.jpg", quality=70)],
        day=4,
    )
    worker()
    flag = Flag.objects.get(kind=FlagKind.REUSED_PHOTO)
    assert flag.participant == county.participant
    return Reuse(flag, Person.objects.get(username="city"), neighbour_participant, city)


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def side(html: str, name: str) -> str:
    return html.split(f'id="side-{name}"')[1].split('<div class="card side"')[0]


def test_the_office_lists_the_campaigns_flags_with_counts_and_filters(county, reuse, login):
    client = login(county.office_admin)

    html = page(client, reverse("integrity:flag_list", args=[county.campaign.pk]))

    rows = html.split('id="flags"')[1].split("</table>")[0]
    assert rows.count('data-kind="reused_photo"') == 1
    assert "城关镇" in rows
    assert "重复使用的照片" in rows
    assert "高" in rows
    assert reverse("integrity:flag_detail", args=[reuse.flag.pk]) in rows
    counts = html.split('id="unit-counts"')[1].split("</table>")[0]
    assert re.search(r'data-unit="城关镇"><td>.*?</td><td[^>]*>1</td>', counts)
    assert "重复使用的照片 <span" in html.split('id="kind-counts"')[1].split("</p>")[0]

    filtered = page(
        client, reverse("integrity:flag_list", args=[county.campaign.pk]) + "?kind=copied_text"
    )
    assert 'data-kind="' not in filtered.split('id="flags"')[1].split("</table>")[0]
    other_unit = f"?unit={county.other_participant.pk}&state=open&severity=high"
    assert "没有发现" in page(
        client, reverse("integrity:flag_list", args=[county.campaign.pk]) + other_unit
    )
    # Nonsense filters are ignored, not a 500.
    assert "城关镇" in page(
        client,
        reverse("integrity:flag_list", args=[county.campaign.pk]) + "?kind=x&unit=²&page=abc",
    )


def test_the_campaign_page_and_board_offer_the_list_to_the_office_only(county, reuse, login):
    url = reverse("integrity:flag_list", args=[county.campaign.pk])

    office = page(
        login(county.office_admin), reverse("campaigns:campaign_detail", args=[county.campaign.pk])
    )
    board = page(
        login(county.office_admin), reverse("rollup:completeness_board", args=[county.campaign.pk])
    )
    liaison = page(
        login(county.town_liaison), reverse("campaigns:campaign_detail", args=[county.campaign.pk])
    )

    assert f'id="integrity-flags" href="{url}">疑似形式主义' in office
    assert f'href="{url}"' in board
    assert url not in liaison


def test_a_county_office_sees_another_countys_photo_only_as_a_thumbnail_and_year(
    county, reuse, login
):
    client = login(county.office_admin)

    html = page(client, reverse("integrity:flag_detail", args=[reuse.flag.pk]))

    mine, theirs = side(html, "this"), side(html, "other")
    assert "城关镇" in mine
    assert "临泽县" not in html
    assert reuse.city_campaign.title not in theirs
    assert "2026" in theirs
    assert "本辖区以外的单位（县（区））" in theirs
    other = reuse.flag.other_attachment
    assert reverse("reports:attachment_file", args=[other.pk]) not in html
    assert reverse("reports:report_detail", args=[other.submission_id]) not in html
    for name in ("this", "other"):
        image = client.get(reverse("integrity:flag_image", args=[reuse.flag.pk, name]))
        assert image.status_code == 200
        assert image["Content-Type"] == "image/jpeg"
        assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(reverse("integrity:flag_image", args=[reuse.flag.pk, "x"])).status_code == 404


def test_the_city_office_over_both_counties_sees_both_sides_in_full(county, reuse, login):
    html = page(login(reuse.city_office), reverse("integrity:flag_detail", args=[reuse.flag.pk]))

    theirs = side(html, "other")
    assert "临泽县" in theirs
    assert reuse.city_campaign.title in theirs
    assert reverse("reports:attachment_file", args=[reuse.flag.other_attachment_id]) in theirs
    assert "逐像素比对相似度 0.9" in html  # the second look's score, a recompressed copy


def test_the_liaison_sees_the_flag_on_their_report_and_others_do_not(county, reuse, login):
    detail = reverse("integrity:flag_detail", args=[reuse.flag.pk])

    home = page(login(county.town_liaison), reverse("dashboards:home"))
    own = page(login(county.town_liaison), reverse("integrity:own_flags"))
    html = page(login(county.town_liaison), detail)

    assert 'id="own-flags"' in home
    assert "待申辩的疑似形式主义（1）" in home
    assert detail in own
    assert "临泽县" not in html
    assert 'id="explain"' in html
    assert 'id="decide"' not in html
    page(login(county.other_liaison), detail, 404)
    page(login(county.outsider), detail, 404)
    assert detail not in page(login(county.other_liaison), reverse("integrity:own_flags"))
    assert 'id="own-flags"' not in page(login(county.other_liaison), reverse("dashboards:home"))


def test_deciding_needs_a_reason_and_a_decision_can_be_changed(county, reuse, login):
    client = login(county.office_admin)
    url = reverse("integrity:flag_decide", args=[reuse.flag.pk])

    empty = client.post(url, {"decision": "confirm", "reason": "  "})
    assert empty.status_code == 400
    assert "请说明决定的理由" in empty.content.decode()
    assert Flag.objects.get().state == FlagState.OPEN

    assert (
        client.post(url, {"decision": "confirm", "reason": "照片与临泽县相同"}).status_code == 302
    )
    assert client.post(url, {"decision": "dismiss", "reason": "两地联合活动"}).status_code == 302

    flag = Flag.objects.get()
    assert (flag.state, flag.decision_reason) == (FlagState.DISMISSED, "两地联合活动")
    history = page(client, reverse("integrity:flag_detail", args=[flag.pk])).split(
        'id="decisions"'
    )[1]
    history = history.split("</ul>")[0]
    assert history.index("照片与临泽县相同") < history.index("两地联合活动")
    assert "已确认" in history
    assert "已排除" in history
    assert "修改决定" in page(client, reverse("integrity:flag_detail", args=[flag.pk]))
    assert client.post(url, {"decision": "other", "reason": "x"}).status_code == 400
    assert (
        login(county.town_liaison).post(url, {"decision": "dismiss", "reason": "x"}).status_code
        == 403
    )


def test_the_liaison_explains_with_text_and_files_and_bad_input_is_refused(county, reuse, login):
    client = login(county.town_liaison)
    url = reverse("integrity:flag_explain", args=[reuse.flag.pk])

    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400
    assert "请说明为什么这不是形式主义" in empty.content.decode()

    fake = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    refused = client.post(url, {"text": "这是我们自己拍的", "evidence": [fake]})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "不是图片" in body
    assert "没有保存" in body
    assert not Explanation.objects.exists()
    assert not ExplanationFile.objects.exists()

    form = {
        "text": "活动由两地联合举办，照片是同一场活动",
        "evidence": [photo_file(scene(12), "合影.jpg")],
    }
    assert client.post(url, form).status_code == 302
    again = {**form, "evidence": [photo_file(scene(12), "合影.jpg")]}
    assert client.post(url, again).status_code == 302  # a double submit keeps one

    assert Explanation.objects.count() == 1
    assert Flag.objects.get().state == FlagState.EXPLAINED
    html = page(login(county.office_admin), reverse("integrity:flag_detail", args=[reuse.flag.pk]))
    assert "活动由两地联合举办" in html.split('id="explanations"')[1]
    assert "合影.jpg" in html
    proof = reverse("integrity:explanation_file", args=[ExplanationFile.objects.get().pk])
    assert proof in html
    shown = login(county.office_admin).get(proof)
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/jpeg")
    close_response(shown)
    assert login(county.other_liaison).get(proof).status_code == 404
    assert login(county.other_liaison).post(url, {"text": "x"}).status_code == 404


def test_after_the_decision_the_unit_can_no_longer_explain(county, reuse, login):
    login(county.office_admin).post(
        reverse("integrity:flag_decide", args=[reuse.flag.pk]),
        {"decision": "confirm", "reason": "照片重复"},
    )
    client = login(county.town_liaison)

    html = page(client, reverse("integrity:flag_detail", args=[reuse.flag.pk]))
    response = client.post(reverse("integrity:flag_explain", args=[reuse.flag.pk]), {"text": "x"})

    assert 'id="explain"' not in html
    assert response.status_code == 403


def test_the_list_takes_the_same_queries_for_one_flag_and_three(county, reuse, login):
    client = login(county.office_admin)
    url = reverse("integrity:flag_list", args=[county.campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2):
        Flag.objects.create(
            **{
                f.attname: getattr(reuse.flag, f.attname)
                for f in Flag._meta.concrete_fields
                if f.attname not in ("id", "pair")
            },
            pair=f"extra:{n}",
        )
    with CaptureQueriesContext(connection) as three:
        html = page(client, url)

    assert html.split('id="flags"')[1].count("data-kind=") == 3
    assert [q["sql"][:150] for q in three.captured_queries] == [
        q["sql"][:150] for q in one.captured_queries
    ]


def test_a_reused_video_shows_the_matched_frames(county, worker, login):
    week1 = factories.weekly_period(county.campaign, 1)
    original = media.video(seed=1)
    submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[SimpleUploadedFile("演练.mp4", original)],
    )
    submit(
        county.other_liaison,
        county.other_participant,
        week1,
        files=[SimpleUploadedFile("我镇演练.mp4", media.reencoded_and_trimmed(original))],
    )
    worker()
    flag = Flag.objects.get(kind=FlagKind.REUSED_VIDEO)
    client = login(county.office_admin)

    html = page(client, reverse("integrity:flag_detail", args=[flag.pk]))
    frames = [
        client.get(reverse("integrity:flag_image", args=[flag.pk, s])) for s in ("this", "other")
    ]

    assert 'id="image-this"' in html
    assert 'id="image-other"' in html
    assert "宣化镇" in html
    assert [f.status_code for f in frames] == [200, 200]
    assert all(b"".join(f.streaming_content)[:2] == b"\xff\xd8" for f in frames)
    _dirs, cached = default_storage.listdir("integrity/frames")
    assert len(cached) == 2


def test_a_copied_text_shows_both_texts_with_the_shared_passages_marked(county, worker, login):
    week1 = factories.weekly_period(county.campaign, 1)
    text = (
        "本周我镇组织开展了危险化学品企业专项检查，共检查企业十二家，发现隐患二十三处，"
        "已全部督促整改到位，并对企业负责人进行了约谈，要求落实主体责任。"
    )
    submit(county.town_liaison, county.participant, week1, text=text, day=3)
    submit(county.other_liaison, county.other_participant, week1, text=text + "下周继续。", day=4)
    worker()
    flag = Flag.objects.get(kind=FlagKind.COPIED_TEXT)

    html = page(login(county.office_admin), reverse("integrity:flag_detail", args=[flag.pk]))

    assert side(html, "this").count("<mark>") >= 1
    assert side(html, "other").count("<mark>") >= 1
    assert "危险化学品企业专项检查" in side(html, "other")
