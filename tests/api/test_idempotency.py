"""Idempotency-Key: a client retrying over a bad mobile network never makes two versions."""

import pytest

from anxuan.api.models import IdempotencyRecord
from anxuan.reports.enums import State
from anxuan.reports.models import Attachment, Submission, SubmissionVersion
from tests import factories
from tests.api.conftest import ApiClient, token_for
from tests.concurrency import at_once
from tests.reports import evidence


def _draft(county) -> Submission:
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign, 1)
    )


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_replays_of_a_submit_make_one_version(county):
    draft = _draft(county)
    token = token_for(county.town_liaison)

    responses = at_once(
        5,
        lambda _: ApiClient(token).post(
            f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "week1-submit"}
        ),
    )

    assert [r.status_code for r in responses] == [200] * 5
    assert SubmissionVersion.objects.filter(submission=draft).count() == 1
    assert {r.json()["version"]["number"] for r in responses} == {1}
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == [
        "",
        "true",
        "true",
        "true",
        "true",
    ]
    assert Submission.objects.get(pk=draft.pk).state == State.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_replays_of_an_upload_store_one_attachment(county):
    draft = _draft(county)
    token = token_for(county.town_liaison)
    photo = evidence.jpeg().read()

    def upload(_):
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile("现场.jpg", photo, content_type="image/jpeg")
        return ApiClient(token).post(
            f"/submissions/{draft.pk}/attachments",
            files={"file": file},
            headers={"Idempotency-Key": "photo-1"},
        )

    responses = at_once(5, upload)

    assert [r.status_code for r in responses] == [201] * 5
    assert Attachment.objects.filter(submission=draft).count() == 1
    assert {r.json()["id"] for r in responses} == {Attachment.objects.get().pk}


def test_a_retry_after_the_office_accepted_gets_the_first_answer_not_a_conflict(county, api_as):
    draft = _draft(county)
    liaison = api_as(county.town_liaison)
    first = liaison.post(f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "k1"})
    api_as(county.office_admin).post(f"/submissions/{draft.pk}/accept")

    retry = liaison.post(f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "k1"})
    without_key = liaison.post(f"/submissions/{draft.pk}/submit")

    assert (retry.status_code, retry.json()) == (200, first.json())
    assert without_key.status_code == 409
    assert SubmissionVersion.objects.filter(submission=draft).count() == 1


def test_a_key_reused_for_another_request_is_refused(county, api_as):
    draft = _draft(county)
    other = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign, 2)
    )
    liaison = api_as(county.town_liaison)
    liaison.post(f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "same"})

    response = liaison.post(f"/submissions/{other.pk}/submit", headers={"Idempotency-Key": "same"})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert other.versions.count() == 0


def test_an_upload_retried_with_another_file_under_the_same_key_is_refused(county, api_as):
    draft = _draft(county)
    liaison = api_as(county.town_liaison)
    url = f"/submissions/{draft.pk}/attachments"
    liaison.post(url, files={"file": evidence.jpeg()}, headers={"Idempotency-Key": "p"})

    response = liaison.post(
        url, files={"file": evidence.jpeg(size=(800, 600))}, headers={"Idempotency-Key": "p"}
    )

    assert response.status_code == 422
    assert Attachment.objects.filter(submission=draft).count() == 1


def test_a_failed_request_is_not_remembered_and_can_be_retried(county, api_as):
    draft = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign, 1), ""
    )
    liaison = api_as(county.town_liaison)
    empty = liaison.post(f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "k"})
    liaison.put(f"/submissions/{draft.pk}/draft", {"text": "开展宣传活动"})

    retry = liaison.post(f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "k"})

    assert (empty.status_code, list(empty.json()["fields"])) == (400, ["text"])
    assert retry.status_code == 200
    assert "Idempotent-Replayed" not in retry.headers


def test_keys_belong_to_their_person(county, api_as):
    mine = _draft(county)
    theirs = factories.report(
        county.other_liaison,
        county.other_participant,
        factories.weekly_period(county.campaign, 1),
    )

    first = api_as(county.town_liaison).post(
        f"/submissions/{mine.pk}/submit", headers={"Idempotency-Key": "monday"}
    )
    second = api_as(county.other_liaison).post(
        f"/submissions/{theirs.pk}/submit", headers={"Idempotency-Key": "monday"}
    )

    assert (first.status_code, second.status_code) == (200, 200)
    assert (mine.versions.count(), theirs.versions.count()) == (1, 1)


def test_an_overlong_key_is_a_field_error(county, api_as):
    draft = _draft(county)

    response = api_as(county.town_liaison).post(
        f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "k" * 256}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["Idempotency-Key"]
    assert draft.versions.count() == 0


def test_old_records_are_forgotten(county, api_as, settings):
    import time_machine
    from django.utils import timezone

    draft = _draft(county)
    with time_machine.travel(timezone.now() - timezone.timedelta(days=8)):
        api_as(county.town_liaison).post(
            f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "old"}
        )
    api_as(county.town_liaison).post(
        f"/submissions/{draft.pk}/submit", headers={"Idempotency-Key": "new"}
    )

    from anxuan.api.tasks import forget_idempotency_records

    forget_idempotency_records.call_local()

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
