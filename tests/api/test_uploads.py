"""Resumable uploads through the API (tus 1.0): announced, sent in pieces, resumed after
a connection cut at half, checked by content when complete."""

import base64
import hashlib
import socket
import time
from urllib.parse import urlsplit

import pytest
from anxuan_client import Client

from anxuan.reports import resumable
from anxuan.reports.models import Attachment, ResumableUpload
from tests import factories
from tests.api.conftest import API, token_for
from tests.reports import evidence

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def draft(county):
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )


def create(client, draft, length: int, **headers: str):
    return client.raw(
        "POST",
        f"/submissions/{draft.pk}/uploads",
        headers={**TUS, "Upload-Length": str(length), **headers},
    )


def patch(client, location: str, offset: int, data: bytes, **headers: str):
    return client.raw(
        "PATCH", location, data, headers={**TUS, "Upload-Offset": str(offset), **headers}
    )


def test_a_video_goes_up_in_two_pieces_and_is_attached(county, draft, api_as):
    liaison = api_as(county.town_liaison)
    video = evidence.mp4_bytes(300_000)
    capabilities = liaison.raw("OPTIONS", "/uploads")

    created = create(liaison, draft, len(video), **{"Upload-Metadata": "filename 5ryU57uDLm1wNA=="})
    location = created["Location"]
    first = patch(liaison, location, 0, video[:100_000])
    middle = liaison.raw("HEAD", location, headers=TUS)
    last = patch(liaison, location, 100_000, video[100_000:])

    assert capabilities["Tus-Version"] == "1.0.0"
    assert capabilities["Tus-Extension"] == "creation,expiration"
    assert created.status_code == 201
    assert location.startswith(f"{API}/uploads/")
    assert (first.status_code, first["Upload-Offset"]) == (204, "100000")
    assert middle["Upload-Offset"] == "100000"
    assert middle["Upload-Length"] == "300000"
    attachment = Attachment.objects.get(submission=draft)
    assert (last.status_code, last["Anxuan-Attachment"]) == (204, str(attachment.pk))
    assert attachment.original_name == "演练.mp4"
    assert attachment.sha256 == hashlib.sha256(video).hexdigest()
    assert liaison.raw("HEAD", location, headers=TUS).status_code == 404  # finished


def test_a_wrong_offset_is_a_409_with_the_servers_offset(county, draft, api_as):
    liaison = api_as(county.town_liaison)
    location = create(liaison, draft, 1000)["Location"]

    response = patch(liaison, location, 500, b"\x00" * 500)

    assert response.status_code == 409
    assert response.json()["code"] == "offset_mismatch"
    assert "0" in response.json()["message"]


def test_requests_without_the_tus_version_are_a_412(county, draft, api_as):
    response = api_as(county.town_liaison).raw(
        "POST", f"/submissions/{draft.pk}/uploads", headers={"Upload-Length": "10"}
    )

    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"
    assert response.json()["code"] == "tus_version"


def test_bytes_must_be_sent_as_offset_octet_stream(county, draft, api_as):
    liaison = api_as(county.town_liaison)
    location = create(liaison, draft, 10)["Location"]

    response = patch(liaison, location, 0, b"0123456789", **{"Content-Type": "text/plain"})

    assert response.status_code == 415
    assert ResumableUpload.objects.get().offset == 0


def test_a_file_larger_than_any_kind_allows_is_refused_before_a_byte(county, draft, api_as):
    response = create(api_as(county.town_liaison), draft, 501 * 2**20)

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert not ResumableUpload.objects.exists()


def test_a_renamed_exe_is_refused_when_it_is_complete(county, draft, api_as):
    liaison = api_as(county.town_liaison)
    exe = b"MZ\x90\x00" + b"\x00" * 996
    location = create(liaison, draft, len(exe), **{"Upload-Metadata": "filename YS5tcDQ="})[
        "Location"
    ]

    response = patch(liaison, location, 0, exe)

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file_type"
    assert not Attachment.objects.exists()


def test_an_mp4_header_before_random_bytes_is_refused_as_no_video(county, draft, api_as):
    liaison = api_as(county.town_liaison)
    fake = evidence.fake_mp4_bytes(300_000)
    name = base64.b64encode("clip\u202e4pm.mp4".encode()).decode()
    location = create(liaison, draft, len(fake), **{"Upload-Metadata": f"filename {name}"})[
        "Location"
    ]

    response = patch(liaison, location, 0, fake)

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file_type"
    assert response.json()["message"] == "“clip4pm.mp4”不是能播放的视频：读不出画面。"
    assert not Attachment.objects.exists()


def test_a_submitted_report_takes_no_new_upload(county, draft, api_as):
    from anxuan.reports import services

    services.submit_report(actor=county.town_liaison, submission=draft)

    response = create(api_as(county.town_liaison), draft, 1000)

    assert response.status_code == 409
    assert response.json()["code"] == "state_conflict"


@pytest.mark.django_db(transaction=True)
def test_a_connection_cut_at_half_resumes_and_the_checksum_matches(live_server, county, tmp_path):
    draft = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    video = evidence.mp4_bytes(6 * 2**20 + 321)
    path = tmp_path / "演练.mp4"
    path.write_bytes(video)
    client = Client(live_server.url, token_for(county.town_liaison))
    location = client.start_resumable(draft.pk, path.name, len(video))

    # A phone promises every byte, sends half, and loses its connection.
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port)) as phone:
        phone.sendall(
            (
                f"PATCH {location} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                f"Authorization: Bearer {client.token}\r\nTus-Resumable: 1.0.0\r\n"
                f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                f"Content-Length: {len(video)}\r\n\r\n"
            ).encode()
            + video[: len(video) // 2]
        )
        phone.shutdown(socket.SHUT_WR)
        while phone.recv(65536):  # the server has handled what arrived
            pass
    kept = client.offset(location)
    attachment = client.get(f"/submissions/{draft.pk}")["attachments"]
    attachment_id = client.resume(location, str(path), chunk_size=2 * 2**20)

    assert kept == len(video) // 2
    assert attachment == []
    stored = Attachment.objects.get(pk=attachment_id)
    assert stored.sha256 == hashlib.sha256(video).hexdigest()
    assert stored.size == len(video)
    client.close()


@pytest.mark.django_db(transaction=True)
def test_a_dropped_phone_whose_request_still_hangs_is_told_what_arrived(
    live_server, county, tmp_path
):
    draft = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    video = evidence.mp4_bytes(3 * resumable.PROGRESS_EVERY + 321)
    path = tmp_path / "演练.mp4"
    path.write_bytes(video)
    client = Client(live_server.url, token_for(county.town_liaison))
    location = client.start_resumable(draft.pk, path.name, len(video))
    arrived = 2 * resumable.PROGRESS_EVERY

    # The phone loses its signal after `arrived` bytes without closing the connection: the
    # server's request waits on its socket for the rest, as it does for a real phone.
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port)) as phone:
        phone.sendall(
            (
                f"PATCH {location} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                f"Authorization: Bearer {client.token}\r\nTus-Resumable: 1.0.0\r\n"
                f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                f"Content-Length: {len(video)}\r\n\r\n"
            ).encode()
            + video[:arrived]
        )
        seen = [client.offset(location)]
        deadline = time.monotonic() + 30
        while seen[-1] < arrived and time.monotonic() < deadline:  # while the server reads
            seen.append(client.offset(location))
        busy = client.send(
            "PATCH",
            location,
            body=b"x",
            headers={
                **TUS,
                **{
                    "Upload-Offset": str(seen[-1]),
                    "Content-Type": "application/offset+octet-stream",
                },
            },
            ok=(409,),
        )
        phone.shutdown(socket.SHUT_WR)  # the network finally gives up on the old request
        while phone.recv(65536):
            pass
    attachment_id = client.resume(location, str(path), chunk_size=2**20)

    assert seen[-1] == arrived  # it said 0 until the hanging request ended
    assert set(seen) <= {0, resumable.PROGRESS_EVERY, arrived}
    assert busy.json()["message"] == "该文件正在由另一个请求上传。"  # the old request holds it
    stored = Attachment.objects.get(pk=attachment_id)
    assert stored.sha256 == hashlib.sha256(video).hexdigest()
    client.close()
