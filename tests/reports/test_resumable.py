"""Resumable uploads: a video that arrives in pieces, over a connection that drops, on a
local disk and in the object store of a cluster (the pieces live in storage, not on a node)."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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


@pytest.fixture(params=["disk", "s3"])
def storage(request):
    """Each story on the one-machine disk and in the object store."""
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return request.param


def pieces(upload) -> list[str]:
    return [name for _start, name in resumable._pieces(upload.pk)]


@pytest.fixture
def draft(county):
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )


def start(county, draft, data: bytes, name: str = "演练.mp4"):
    return resumable.start_upload(
        actor=county.town_liaison, submission=draft, filename=name, length=len(data)
    )


def test_an_upload_cut_at_half_resumes_and_the_file_matches(county, draft, storage):
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
    assert pieces(upload) == []


def test_a_piece_stored_by_a_killed_request_beyond_the_offset_is_dropped(county, draft, storage):
    video = evidence.mp4_bytes(100_000)
    upload = start(county, draft, video)
    resumable.append(
        actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video[:40_000])
    )
    # The node died after storing its next piece and before recording the offset.
    default_storage.save(
        f"{resumable.PIECES}/{upload.pk}/{40_000:012d}", ContentFile(b"garbage" * 1000)
    )

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
    assert pieces(upload) == []


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


def test_a_renamed_exe_is_refused_when_complete_and_leaves_nothing(county, draft, storage):
    exe = b"MZ\x90\x00" + b"\x00" * 5000
    upload = start(county, draft, exe, name="演练.mp4")

    with pytest.raises(ValidationError) as refused:
        resumable.append(actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(exe))

    assert refused.value.code == UNSUPPORTED_TYPE
    assert not ResumableUpload.objects.exists()
    assert not Attachment.objects.exists()
    assert pieces(upload) == []


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


def test_unfinished_uploads_expire_with_their_pieces(county, draft, storage):
    video = evidence.mp4_bytes(1000)
    upload = start(county, draft, video)
    resumable.append(
        actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video[:500])
    )

    assert resumable.remove_expired(now=timezone.now() + timedelta(hours=23)) == 0
    assert resumable.remove_expired(now=timezone.now() + timedelta(hours=25)) == 1

    assert not ResumableUpload.objects.exists()
    assert pieces(upload) == []


def test_pieces_without_an_unfinished_upload_go_once_a_day_old(county, draft, storage):
    live = start(county, draft, evidence.mp4_bytes(1000))
    resumable.append(
        actor=county.town_liaison,
        upload=live,
        offset=0,
        stream=io.BytesIO(evidence.mp4_bytes(1000)[:500]),
    )
    left = "0b5e6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"  # its row rolled back
    default_storage.save(f"{resumable.PIECES}/{left}/{0:012d}", ContentFile(b"half"))

    assert resumable.remove_expired() == 0
    assert [name for _s, name in resumable._pieces(left)] != []  # young: kept
    assert resumable.remove_expired(now=timezone.now() + timedelta(hours=25)) == 1

    assert resumable._pieces(left) == []
    assert ResumableUpload.objects.count() == 0


def test_a_second_writer_is_refused_while_the_first_holds_the_lease(county, draft):
    video = evidence.mp4_bytes(10_000)
    upload = start(county, draft, video)

    class SecondPhone(io.BytesIO):
        """The first request's body: while it is read, another request comes in."""

        refused: str = ""

        def read(self, size=-1):
            if not self.refused:
                try:
                    resumable.append(
                        actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(b"x")
                    )
                except resumable.StateConflict as exc:
                    self.refused = str(exc.message)
            return super().read(size)

    first = SecondPhone(video)
    resumable.append(actor=county.town_liaison, upload=upload, offset=0, stream=first)

    assert first.refused == "该文件正在由另一个请求上传。"
    assert Attachment.objects.get().sha256 == hashlib.sha256(video).hexdigest()


def test_a_lease_left_by_a_dead_node_is_taken_over_when_it_runs_out(county, draft):
    video = evidence.mp4_bytes(10_000)
    upload = start(county, draft, video)
    ResumableUpload.objects.filter(pk=upload.pk).update(
        writer="0b5e6f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        writing_until=timezone.now() + timedelta(seconds=30),
    )
    with pytest.raises(resumable.StateConflict):
        resumable.append(
            actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video)
        )
    ResumableUpload.objects.filter(pk=upload.pk).update(
        writing_until=timezone.now() - timedelta(seconds=1)
    )

    resumable.append(actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video))

    assert Attachment.objects.get().size == len(video)


def test_a_lost_piece_sends_the_phone_back_to_byte_zero_not_to_an_error(county, draft, storage):
    video = evidence.mp4_bytes(2 * resumable.PROGRESS_EVERY + 10)
    upload = start(county, draft, video)
    cut = resumable.PROGRESS_EVERY + 5
    resumable.append(
        actor=county.town_liaison, upload=upload, offset=0, stream=DroppedConnection(video, cut)
    )
    default_storage.delete(pieces(upload)[0])  # the storage lost it

    with pytest.raises(resumable.OffsetMismatch):
        resumable.append(
            actor=county.town_liaison, upload=upload, offset=cut, stream=io.BytesIO(video[cut:])
        )
    assert resumable.get_upload_for(county.town_liaison, upload.pk).offset == 0
    resumable.append(actor=county.town_liaison, upload=upload, offset=0, stream=io.BytesIO(video))

    assert Attachment.objects.get().sha256 == hashlib.sha256(video).hexdigest()
