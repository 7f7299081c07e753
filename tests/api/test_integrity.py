"""Integrity flags through the API: a unit explains, the office decides, and nobody learns
through a flag whose the other item was unless they have a role over its unit."""

import json

from anxuan.core.models import AuditEntry
from anxuan.integrity.enums import FlagKind, FlagState, Severity
from anxuan.integrity.models import Explanation, ExplanationFile, Flag
from tests.api import flags
from tests.conftest import close_response
from tests.reports import evidence


def test_a_unit_explains_and_the_office_confirms(county, api_as):
    flag = flags.town_flag(county, flags.other_town_report(county))
    liaison, office = api_as(county.town_liaison), api_as(county.office_admin)

    own = liaison.get("/flags").json()["items"]
    explained = liaison.post(
        f"/flags/{flag.pk}/explanations",
        files={"text": "  照片是6月2日活动现场拍的，附原图。 ", "files": evidence.jpeg("原图.jpg")},
        headers={"Idempotency-Key": "explain-1"},
    )
    confirmed = office.post(f"/flags/{flag.pk}/confirm", {"reason": "两张照片完全相同"})

    assert [f["id"] for f in own] == [flag.pk]
    assert (own[0]["state"], own[0]["kind"]) == ("open", "reused_photo")
    assert explained.status_code == 201
    assert explained.json()["state"] == "explained"
    (explanation,) = explained.json()["explanations"]
    assert explanation["text"] == "照片是6月2日活动现场拍的，附原图。"
    assert [f["name"] for f in explanation["files"]] == ["原图.jpg"]
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["decision_reason"] == "两张照片完全相同"
    assert confirmed.json()["can_explain"] is False
    assert AuditEntry.objects.filter(action="integrity.confirmed").count() == 1


def test_a_retried_explanation_is_saved_once(county, api_as):
    flag = flags.town_flag(county)
    liaison = api_as(county.town_liaison)

    answers = [
        liaison.post(
            f"/flags/{flag.pk}/explanations",
            files={"text": "活动现场照片", "files": evidence.jpeg("现场.jpg")},
            headers={"Idempotency-Key": "retry-me"},
        )
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert Explanation.objects.count() == 1
    assert ExplanationFile.objects.count() == 1


def test_the_office_sees_another_countys_item_only_as_year_and_level(county, api_as):
    flag = flags.town_flag(county, flags.another_countys_report(county))
    office = api_as(county.office_admin)

    detail = office.get(f"/flags/{flag.pk}")
    listed = office.get(f"/campaigns/{county.campaign.pk}/flags").json()["items"]
    photo = office.get(detail.json()["other"]["thumbnail"])
    close_response(photo)

    other = detail.json()["other"]
    assert other == {
        "full": False,
        "year": 2026,
        "level": "乡镇（街道）",
        "thumbnail": f"/api/v1/flags/{flag.pk}/photos/other",
    }
    assert listed[0]["other"] == other
    assert "鸭暖镇" not in detail.content.decode()
    assert "临泽县" not in detail.content.decode()
    assert detail.json()["this"]["full"] is True
    assert detail.json()["this"]["unit"]["name"] == "城关镇"
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"


def test_the_office_over_both_units_sees_both_in_full(county, api_as):
    other_report, other_photo = flags.other_town_report(county)
    flag = flags.town_flag(county, (other_report, other_photo))

    other = api_as(county.office_admin).get(f"/flags/{flag.pk}").json()["other"]
    as_liaison = api_as(county.town_liaison).get(f"/flags/{flag.pk}").json()["other"]

    assert other["full"] is True
    assert other["unit"]["name"] == "宣化镇"
    assert other["submission_id"] == other_report.pk
    assert other["attachment_id"] == other_photo.pk
    assert set(as_liaison) == {"full", "year", "level", "thumbnail"}  # not their unit's


def test_the_campaign_list_filters_by_kind_state_severity_and_unit(county, api_as):
    photo = flags.town_flag(county)
    flags.town_flag(county, kind=FlagKind.COPIED_TEXT, severity=Severity.LOW)
    flags.town_flag(county, state=FlagState.DISMISSED, decision_reason="官方宣传图")
    office = api_as(county.office_admin)
    path = f"/campaigns/{county.campaign.pk}/flags"

    def ids(**params):
        return [f["id"] for f in office.get(path, **params).json()["items"]]

    assert len(ids()) == 3
    assert ids(kind="reused_photo", state="open") == [photo.pk]
    assert len(ids(severity="low")) == 1
    assert ids(participant=county.other_participant.pk) == []
    assert len(ids(participant=county.participant.pk, limit=2)) == 2
    assert office.get(path, kind="nonsense").status_code == 400


def test_an_explanation_without_text_or_with_a_renamed_program_saves_nothing(county, api_as):
    flag = flags.town_flag(county)
    liaison = api_as(county.town_liaison)

    blank = liaison.post(f"/flags/{flag.pk}/explanations", files={"text": "   "})
    program = liaison.post(
        f"/flags/{flag.pk}/explanations",
        files={"text": "见附件", "files": evidence.exe_renamed("原图.jpg")},
    )

    assert blank.status_code == 400
    assert blank.json()["fields"] == {"text": ["请说明为什么这不是形式主义。"]}
    assert program.status_code == 415
    assert list(program.json()["fields"]) == ["files.0"]
    assert Explanation.objects.count() == 0
    assert Flag.objects.get(pk=flag.pk).state == FlagState.OPEN


def test_a_decision_without_a_reason_changes_nothing(county, api_as):
    flag = flags.town_flag(county)

    response = api_as(county.office_admin).post(f"/flags/{flag.pk}/dismiss", {"reason": " "})

    assert response.status_code == 400
    assert response.json()["fields"] == {"reason": ["请说明决定的理由。"]}
    assert Flag.objects.get(pk=flag.pk).state == FlagState.OPEN


def test_a_decided_flag_cannot_be_explained(county, api_as):
    flag = flags.town_flag(county, state=FlagState.CONFIRMED, decision_reason="照片重复")

    response = api_as(county.town_liaison).post(
        f"/flags/{flag.pk}/explanations", files={"text": "是新照片"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "state_conflict"
    assert response.json()["message"] == "办公室已对该疑点作出决定。"
    assert Explanation.objects.count() == 0


def test_a_unit_cannot_decide_and_another_unit_does_not_see_the_flag(county, api_as):
    flag = flags.town_flag(county)

    own = api_as(county.town_liaison).post(f"/flags/{flag.pk}/dismiss", {"reason": "不是"})
    other = api_as(county.other_liaison).get(f"/flags/{flag.pk}")
    photo = api_as(county.other_liaison).get(f"/flags/{flag.pk}/photos/this")

    assert own.status_code == 403
    assert own.json()["message"] == "您无权执行此操作。"
    assert other.status_code == 404
    assert photo.status_code == 404
    assert api_as(county.other_liaison).get("/flags").json()["items"] == []
    assert Flag.objects.get(pk=flag.pk).state == FlagState.OPEN


def test_kinds_are_labelled_in_chinese(county, api_as):
    flag = flags.town_flag(county)

    body = api_as(county.town_liaison).get(f"/flags/{flag.pk}").json()

    assert body["kind_label"] == "重复使用的照片"
    assert json.dumps(body, ensure_ascii=False).count("城关镇") >= 1
