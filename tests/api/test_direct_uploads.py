"""Direct uploads: the phone sends the bytes straight to the object store with the signed PUT
the API gives it, and the API checks what arrived before attaching it (decision 0025)."""

import hashlib
import io
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from anxuan_client import Client
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from anxuan.core import direct as core_direct
from anxuan.reports import direct
from anxuan.reports.models import Attachment, DirectUpload
from tests import factories
from tests.api.conftest import token_for
from tests.reports import evidence


@pytest.fixture
def draft(county):
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )


def photo() -> bytes:
    return evidence.jpeg().read()


def announce(client, draft, data: bytes, name: str = "现场.jpg", **changes):
    body = {"filename": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return client.post(f"/submissions/{draft.pk}/direct-uploads", {**body, **changes})


def put(announced: dict, data: bytes) -> int:
    """The phone's PUT to the object store, with the headers the API said to send."""
    headers = {**announced["headers"], "Content-Length": str(len(data))}
    request = urllib.request.Request(announced["url"], data=data, method="PUT", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - the test store
            return reply.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_photo_goes_to_the_store_and_is_attached_once_checked(county, draft, api_as, s3_storage):
    liaison = api_as(county.town_liaison)
    data = photo()

    announced = announce(liaison, draft, data).json()
    stored = put(announced, data)
    kept_checksum = core_direct.arrived(f"direct-uploads/{announced['id']}")
    done = liaison.post(announced["complete"])
    again = liaison.post(announced["complete"])

    assert stored == 200
    assert kept_checksum == core_direct.Arrived(len(data), hashlib.sha256(data).hexdigest())
    assert announced["url"].startswith(s3_storage.endpoint)  # not through the app
    assert done.status_code == 201, done.content
    attachment = Attachment.objects.get(submission=draft)
    assert done.json()["id"] == again.json()["id"] == attachment.pk
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert (attachment.kind, attachment.size) == ("photo", len(data))
    with default_storage.open(attachment.storage_name) as kept:
        assert kept.read() == data
    assert not default_storage.exists(f"direct-uploads/{announced['id']}")  # moved, not copied


def test_behind_a_balancer_the_address_is_signed_for_the_host_phones_reach(
    county, draft, api_as, s3_storage, settings
):
    # The app reaches the store at 127.0.0.1; phones reach it at another name (the
    # balancer's, in a cluster): the signature covers the host, so it must be that one.
    settings.S3_PUBLIC_URL = s3_storage.endpoint.replace("127.0.0.1", "localhost")
    liaison = api_as(county.town_liaison)
    data = photo()

    announced = announce(liaison, draft, data).json()
    stored = put(announced, data)

    assert announced["url"].startswith(settings.S3_PUBLIC_URL)
    assert stored == 200
    assert liaison.post(announced["complete"]).status_code == 201


def test_saying_done_before_the_bytes_arrived_is_a_conflict_and_can_be_retried(
    county, draft, api_as, s3_storage
):
    liaison = api_as(county.town_liaison)
    data = photo()
    announced = announce(liaison, draft, data).json()

    early = liaison.post(announced["complete"])
    put(announced, data)
    later = liaison.post(announced["complete"])

    assert early.status_code == 409
    assert early.json()["message"] == "“现场.jpg”尚未到达存储；请先发送，再确认。"
    assert later.status_code == 201


def test_bytes_other_than_announced_never_arrive_and_the_right_ones_then_do(
    county, draft, api_as, s3_storage
):
    # The PUT is signed with the announced SHA-256: the store itself refuses other bytes.
    liaison = api_as(county.town_liaison)
    data = photo()
    announced = announce(liaison, draft, data).json()
    damaged = data[:-10] + b"\x00" * 10

    refused_by_store = put(announced, damaged)
    not_yet = liaison.post(announced["complete"])
    resent = put(announced, data)
    done = liaison.post(announced["complete"])

    assert refused_by_store == 400
    assert not_yet.status_code == 409
    assert "尚未到达存储" in not_yet.json()["message"]
    assert resent == 200
    assert done.status_code == 201
    assert Attachment.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_from_a_store_that_keeps_no_checksum_other_bytes_are_refused_and_removed(
    county, draft, api_as, s3_storage
):
    # Bytes put at the upload's address without the checksum (a store that checks none, or
    # an upload signed before it did): the whole object is read back and hashed.
    liaison = api_as(county.town_liaison)
    data = photo()
    announced = announce(liaison, draft, data).json()
    name = f"direct-uploads/{announced['id']}"
    default_storage.save(name, io.BytesIO(data[:-10] + b"\x00" * 10))

    refused = liaison.post(announced["complete"])

    assert refused.status_code == 400
    assert "与申报的 SHA-256 不符" in refused.json()["message"]
    assert not Attachment.objects.exists()
    assert not DirectUpload.objects.exists()
    assert not default_storage.exists(name)


def test_a_renamed_exe_is_refused_by_its_content(county, draft, api_as, s3_storage):
    liaison = api_as(county.town_liaison)
    exe = evidence.exe_renamed().read()
    announced = announce(liaison, draft, exe, name="照片.jpg").json()

    put(announced, exe)
    refused = liaison.post(announced["complete"])

    assert refused.status_code == 415
    assert not Attachment.objects.exists()
    assert not default_storage.exists(f"direct-uploads/{announced['id']}")


def test_more_bytes_than_signed_for_never_become_an_attachment(county, draft, api_as, s3_storage):
    liaison = api_as(county.town_liaison)
    data = photo()
    announced = announce(liaison, draft, data).json()

    put(announced, data + b"more")
    answer = liaison.post(announced["complete"])

    assert answer.status_code in (400, 409)  # refused by the store, or by the check
    assert not Attachment.objects.exists()


def test_bad_announcements_are_refused_before_any_byte(county, draft, api_as, s3_storage, settings):
    settings.EVIDENCE_MAX_BYTES = {"photo": 100, "document": 100, "video": 1000}
    liaison = api_as(county.town_liaison)

    too_large = announce(liaison, draft, b"x" * 1001)
    no_hash = announce(liaison, draft, b"x" * 10, sha256="abc")

    assert too_large.status_code == 413
    assert no_hash.status_code == 400
    assert no_hash.json()["fields"]["sha256"] == ["请以 64 位十六进制数字发送文件的 SHA-256。"]
    assert not DirectUpload.objects.exists()


def test_a_server_that_keeps_files_on_its_disk_says_to_use_the_other_ways(county, draft, api_as):
    answer = announce(api_as(county.town_liaison), draft, photo())

    assert answer.status_code == 409
    assert answer.json()["code"] == "direct_uploads_off"
    assert "普通上传或断点续传" in answer.json()["message"]


def test_only_the_uploader_may_complete(county, draft, api_as, s3_storage):
    data = photo()
    announced = announce(api_as(county.town_liaison), draft, data).json()
    put(announced, data)

    assert api_as(county.other_liaison).post(announced["complete"]).status_code == 404
    assert api_as(county.office_admin).post(announced["complete"]).status_code == 404
    assert not Attachment.objects.exists()


def test_an_upload_never_completed_expires_with_its_object(county, draft, api_as, s3_storage):
    data = photo()
    announced = announce(api_as(county.town_liaison), draft, data).json()
    put(announced, data)

    assert direct.remove_expired_direct(now=timezone.now() + timedelta(hours=5)) == 0
    assert direct.remove_expired_direct(now=timezone.now() + timedelta(hours=7)) == 1

    assert not DirectUpload.objects.exists()
    assert not default_storage.exists(f"direct-uploads/{announced['id']}")


@pytest.mark.django_db(transaction=True)
def test_the_python_client_sends_a_video_straight_to_the_store(
    live_server, county, tmp_path, s3_storage
):
    draft = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    video = evidence.mp4_bytes(3 * 2**20 + 17)
    path = tmp_path / "演练.mp4"
    path.write_bytes(video)
    client = Client(live_server.url, token_for(county.town_liaison))

    attachment = client.upload_direct(draft.pk, str(path))

    assert attachment["sha256"] == hashlib.sha256(video).hexdigest()
    assert attachment["kind"] == "video"
    assert Attachment.objects.get().size == len(video)
    client.close()


def test_the_store_away_is_a_503_in_chinese_and_nothing_is_half_saved(
    county, draft, api_as, settings, s3_storage
):
    from anxuan.core.seaweed import free_port

    options = settings.STORAGES["default"]["OPTIONS"]
    away = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {**options, "endpoint_url": away}},
    }
    liaison = api_as(county.town_liaison)

    answer = liaison.post(f"/submissions/{draft.pk}/attachments", files={"file": evidence.jpeg()})

    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert answer.json()["message"] == "文件存储暂时不可用，没有保存一半的内容。请一分钟后重试。"
    assert not Attachment.objects.exists()


def test_the_report_page_sends_a_drafts_files_to_the_store_where_there_is_one(
    county, draft, login, s3_storage
):
    page = login(county.town_liaison).get(reverse("reports:report_edit", args=[draft.pk]))

    html = page.content.decode()
    assert f'data-direct="/api/v1/submissions/{draft.pk}/direct-uploads"' in html
    assert 'data-direct-sending="正在上传到文件存储"' in html


def test_on_one_machine_the_report_page_sends_files_with_the_form(county, draft, login):
    page = login(county.town_liaison).get(reverse("reports:report_edit", args=[draft.pk]))

    assert "data-direct" not in page.content.decode()
