"""One error shape, `{code, message, message_en, fields}`, with the status that fits."""

import secrets

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anxuan.reports import services
from anxuan.reports.models import Attachment
from tests import factories
from tests.api.conftest import API
from tests.reports import evidence


def week1_draft(county, text="开展安全宣传咨询活动"):
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign, 1), text
    )


def test_a_field_of_the_wrong_type_is_named(county, api_as):
    response = api_as(county.town_liaison).post(
        "/submissions",
        {"participant_id": "城关镇", "period_id": 1, "activities": [{"held_on": "昨天"}]},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    # The activity type may be left out of the request: the campaign's rules say whether it
    # is needed (reports.drafts.check), not the request's shape.
    assert sorted(body["fields"]) == ["activities.0.held_on", "participant_id"]
    assert (body["message"], body["message_en"]) == ("部分字段无效。", "Some fields are not valid.")


def test_the_report_forms_rules_apply_to_the_api(county, api_as):
    week1 = factories.weekly_period(county.campaign, 1)

    response = api_as(county.town_liaison).post(
        "/submissions",
        {
            "participant_id": county.participant.pk,
            "period_id": week1.pk,
            "text": "开展活动",
            "activities": [
                {"held_on": "2026-06-02", "activity_type": "跳广场舞", "people_reached": -3}
            ],
        },
    )

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert sorted(fields) == ["activities.0.activity_type", "activities.0.people_reached"]
    assert "跳广场舞" in fields["activities.0.activity_type"][0]


def test_submitting_without_text_names_the_text(county, api_as):
    draft = week1_draft(county, text="")

    response = api_as(county.town_liaison).post(f"/submissions/{draft.pk}/submit")

    assert response.status_code == 400
    body = response.json()
    assert body["fields"] == {"text": ["请先填写本单位开展的工作再提交。"]}
    assert body["message_en"] == "Write what your unit did before submitting."


def test_submitting_an_accepted_report_is_a_conflict(county, api_as):
    draft = week1_draft(county)
    services.submit_report(actor=county.town_liaison, submission=draft)
    services.accept_submission(actor=county.office_admin, submission=draft)
    liaison = api_as(county.town_liaison)

    submit = liaison.post(f"/submissions/{draft.pk}/submit")
    edit = liaison.put(f"/submissions/{draft.pk}/draft", {"text": "改"})

    assert submit.status_code == 409
    assert submit.json() == {
        "code": "state_conflict",
        "message": "该报告已提交。",
        "message_en": "This report was already submitted.",
        "fields": {},
    }
    assert (edit.status_code, edit.json()["code"]) == (409, "state_conflict")


def test_a_renamed_program_is_not_a_photo(county, api_as):
    draft = week1_draft(county)

    response = api_as(county.town_liaison).post(
        f"/submissions/{draft.pk}/attachments", files={"file": evidence.exe_renamed("照片.jpg")}
    )

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported_file_type"
    assert body["message_en"].startswith("“照片.jpg” is not a photo")
    assert body["message"].startswith("“照片.jpg”不是图片")
    assert list(body["fields"]) == ["file"]
    assert not Attachment.objects.exists()


def test_a_photo_over_the_limit_is_too_large(county, api_as, settings):
    settings.EVIDENCE_MAX_BYTES = {**settings.EVIDENCE_MAX_BYTES, "photo": 10_000}
    draft = week1_draft(county)

    response = api_as(county.town_liaison).post(
        f"/submissions/{draft.pk}/attachments", files={"file": evidence.jpeg()}
    )

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large"
    assert "9.8\xa0KB" in body["message_en"]
    assert "9.8" in body["message"]
    assert not Attachment.objects.exists()


def test_a_damaged_photo_is_a_field_error(county, api_as):
    draft = week1_draft(county)
    damaged = SimpleUploadedFile("坏.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200)

    response = api_as(county.town_liaison).post(
        f"/submissions/{draft.pk}/attachments", files={"file": damaged}
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"file": ["“坏.jpg”已损坏，无法作为图片打开。"]}
    assert response.json()["message_en"] == "“坏.jpg” is damaged and cannot be opened as a picture."


def test_an_import_file_that_is_not_a_workbook_is_415(county, api_as):
    response = api_as(county.office_admin).post(
        f"/orgs/{county.county.pk}/import/validate",
        files={"file": SimpleUploadedFile("units.xlsx", b"name,parent\n")},
    )

    assert (response.status_code, response.json()["code"]) == (415, "unsupported_file_type")


def test_another_units_report_looks_exactly_like_one_that_does_not_exist(county, api_as):
    theirs = factories.report(
        county.other_liaison,
        county.other_participant,
        factories.weekly_period(county.campaign, 1),
    )
    liaison = api_as(county.town_liaison)

    hidden = liaison.get(f"/submissions/{theirs.pk}")
    missing = liaison.get("/submissions/999999")

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.content == missing.content
    assert hidden.json()["code"] == "not_found"


def test_a_reviewer_may_not_edit(county, api_as):
    draft = week1_draft(county)
    services.submit_report(actor=county.town_liaison, submission=draft)

    response = api_as(county.reviewer).post(f"/submissions/{draft.pk}/submit")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["message"] != response.json()["message_en"]


def test_an_unknown_api_address_answers_in_the_error_shape(db):
    response = Client().get(f"{API}/no-such-thing")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_bad_cursor_is_a_field_error(county, api_as):
    response = api_as(county.office_admin).get("/campaigns", cursor="not-a-cursor!")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["cursor"]


def test_a_limit_above_200_is_refused(county, api_as):
    response = api_as(county.office_admin).get("/campaigns", limit=500)

    assert response.status_code == 400
    assert response.json()["fields"] == {"limit": ["确保该值小于或等于200。"]}


def test_rate_limits_answer_429_with_retry_after(county, api_as, settings):
    settings.API_RATE_PER_MINUTE = 3
    settings.API_ANON_RATE_PER_MINUTE = 2
    liaison, anonymous = api_as(county.town_liaison), Client()

    mine = [liaison.get("/me").status_code for _ in range(4)]
    nobody = [anonymous.get(f"{API}/me").status_code for _ in range(3)]
    limited = liaison.get("/me")

    assert mine == [200, 200, 200, 429]
    assert nobody == [401, 401, 429]
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert api_as(county.other_liaison).get("/me").status_code == 200  # each token counts alone


def test_made_up_tokens_share_their_address_limit(county, api_as, settings):
    settings.API_ANON_RATE_PER_MINUTE = 2

    statuses = [
        Client()
        .get(f"{API}/me", headers={"Authorization": f"Bearer ax_{secrets.token_hex(16)}"})
        .status_code
        for _ in range(3)
    ]

    assert statuses == [401, 401, 429]
    limited = Client().get(f"{API}/me", headers={"Authorization": "Bearer ax_guess"})
    assert limited.json()["code"] == "rate_limited"
    assert limited.json()["message"] == "请求过于频繁，请一分钟后再试。"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # A valid token counts for its person, not for the address.
    assert api_as(county.town_liaison).get("/me").status_code == 200


def test_an_upload_larger_than_any_file_is_refused_before_it_is_read(county, api_as, settings):
    settings.EVIDENCE_MAX_BYTES = {"photo": 2**20, "video": 2**20, "document": 2**20}
    draft = week1_draft(county)
    big = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n" + b"0" * (2**20 + 100_000))

    response = api_as(county.town_liaison).post(
        f"/submissions/{draft.pk}/attachments", files={"file": big}
    )

    assert response.status_code == 413
    assert response.json()["message_en"] == (
        "The file is larger than any file Anxuan accepts (1.0\xa0MB)."
    )
    assert not Attachment.objects.exists()


def test_a_json_body_over_djangos_limit_is_too_large(county, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    draft = week1_draft(county)

    response = api_as(county.town_liaison).put(
        f"/submissions/{draft.pk}/draft", {"text": "长" * 2000}
    )

    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")


def test_a_person_who_chose_english_gets_fields_in_english_and_both_messages(county):
    from django.conf import settings as django_settings

    draft = week1_draft(county, text="")
    browser = Client()
    browser.force_login(county.town_liaison, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    browser.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    browser.get("/")  # the CSRF cookie, as a page sets it
    csrf = browser.cookies["csrftoken"].value

    response = browser.post(f"{API}/submissions/{draft.pk}/submit", headers={"X-CSRFToken": csrf})

    assert response.json() == {
        "code": "invalid",
        "message": "请先填写本单位开展的工作再提交。",
        "message_en": "Write what your unit did before submitting.",
        "fields": {"text": ["Write what your unit did before submitting."]},
    }
