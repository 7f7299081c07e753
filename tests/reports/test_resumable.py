"""Resumable uploads: a video that arrives in pieces, over a connection that drops."""

import hashlib
import io
import os
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from anxuan.core.files import TOO_LARGE, UNSUPPORTED_TYPE
from anxuan.reports import resumable
from anxuan.reports.models import Attachment, ResumableUpload
from tests import factories
from tests.reports import evidence


class DroppedConnection(io.BytesIO):
    """A request body whose client goes away after `cut` bytes, as Django reports it."""

    def __init__(self, data: bytes, cut: int):
        super().__init__(data[:cut])

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            raise OSError("client went away")  # Django's UnreadablePostError is an OSError
        return chunk


@pytest.fixture
def draft(county):
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )


def start(county, draft, data: bytes, name: str = "演练.mp4"):
    return resumable.start_upload(
        actor=county.town_liaison, submission=draft, filename=name, length=len(data)
    )


def test_an_upload_cut_at_half_resumes_and_the_file_matches(county, draft):
    video = evidence.mp4_bytes(3 * 2**20 + 12345)
    upload = start(county, draft, video)

    resumable.append(
        actor=county.town_liaison,
        upload=upload,
        offset=0,
        stream=DroppedConnection(video, len(video) // 2),
    )
    at = resumable.get_upload_for(county.town_liaison, upload.pk).offset
    resumed = resumable.append(
        actor=county.town_liaison, upload=upload, offset=at, stream=io.BytesIO(video[at:])
    )

    assert at == len(video) // 2
    attachment = Attachment.objects.get(submission=draft)
    assert resumed.attachment == attachment
    assert attachment.sha256 == hashlib.sha256(video).hexdigest()
    assert (attachment.kind, attachment.size) == ("video", len(video))
    assert not list(resumable._path(upload).parent.glob("*.part"))


def test_bytes_left_by_a_killed_request_beyond_the_offset_are_cut_off(county, draft):
    video = evidence.mp4_bytes(100_000)
    upload = start(county, draft, video)
    resumable.append(
        actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video[:40_000])
    )
    with open(resumable._path(upload), "ab") as partial:
        partial.write(b"garbage written before the process died")

    resumable.append(
        actor=county.town_liaison, upload=upload, offset=40_000, stream=io.BytesIO(video[40_000:])
    )

    assert Attachment.objects.get().sha256 == hashlib.sha256(video).hexdigest()


def test_a_wrong_offset_is_refused_and_nothing_is_written(county, draft):
    video = evidence.mp4_bytes(10_000)
    upload = start(county, draft, video)

    with pytest.raises(resumable.OffsetMismatch):
        resumable.append(
            actor=county.town_liaison, upload=upload, offset=500, stream=io.BytesIO(video[500:])
        )

    assert ResumableUpload.objects.get().offset == 0
    assert resumable._path(upload).stat().st_size == 0


def test_more_bytes_than_announced_are_not_taken(county, draft):
    video = evidence.mp4_bytes(10_000)
    upload = start(county, draft, video)

    resumable.append(
        actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video + b"extra")
    )

    assert Attachment.objects.get().size == 10_000


def test_an_oversize_announcement_is_refused_before_any_byte(county, draft, settings):
    settings.EVIDENCE_MAX_BYTES = {"photo": 100, "document": 100, "video": 1000}

    with pytest.raises(ValidationError) as refused:
        start(county, draft, b"x" * 1001)

    assert refused.value.code == TOO_LARGE
    assert "1000" in refused.value.messages[0]  # the limit, in the message
    assert not ResumableUpload.objects.exists()


def test_a_renamed_exe_is_refused_when_complete_and_leaves_nothing(county, draft):
    exe = b"MZ\x90\x00" + b"\x00" * 5000
    upload = start(county, draft, exe, name="演练.mp4")

    with pytest.raises(ValidationError) as refused:
        resumable.append(actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(exe))

    assert refused.value.code == UNSUPPORTED_TYPE
    assert not ResumableUpload.objects.exists()
    assert not Attachment.objects.exists()
    assert not resumable._path(upload).exists()


def test_only_the_uploader_may_continue_and_only_on_their_own_units_draft(county, draft):
    upload = start(county, draft, evidence.mp4_bytes(1000))

    with pytest.raises(Http404):
        resumable.get_upload_for(county.other_liaison, upload.pk)
    with pytest.raises(Http404):
        resumable.get_upload_for(county.office_admin, upload.pk)
    with pytest.raises(PermissionDenied):
        resumable.start_upload(
            actor=county.other_liaison, submission=draft, filename="x.mp4", length=1000
        )


def test_unfinished_uploads_expire_with_their_partial_files(county, draft):
    upload = start(county, draft, evidence.mp4_bytes(1000))

    assert resumable.remove_expired(now=timezone.now() + timedelta(hours=23)) == 0
    assert resumable.remove_expired(now=timezone.now() + timedelta(hours=25)) == 1

    assert not ResumableUpload.objects.exists()
    assert not resumable._path(upload).exists()


def test_partial_files_without_an_unfinished_upload_go_once_a_day_old(county, draft, settings):
    live = start(county, draft, evidence.mp4_bytes(1000))
    resumable.append(
        actor=county.town_liaison,
        upload=live,
        offset=0,
        stream=io.BytesIO(evidence.mp4_bytes(1000)[:500]),
    )
    folder = resumable._path(live).parent
    left = folder / "0b5e6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.part"  # its row rolled back
    left.write_bytes(b"half")
    young = folder / "7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a.part"  # its row is being written
    young.write_bytes(b"")
    then = time.time() - 25 * 3600
    for path in (resumable._path(live), left):
        os.utime(path, (then, then))

    expired = resumable.remove_expired()

    assert expired == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{live.pk}.part", young.name])
    assert resumable.get_upload_for(county.town_liaison, live.pk).offset == 500
