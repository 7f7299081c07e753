"""Videos, stills taken from them, and files the worker cannot read."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from anxuan.integrity import checks
from anxuan.integrity.enums import CheckState, FlagKind
from anxuan.integrity.models import EvidenceCheck, Flag
from anxuan.reports.models import Attachment
from tests import factories
from tests.integrity import media
from tests.integrity.conftest import photo_file, submit
from tests.reports import evidence

pytestmark = pytest.mark.django_db(transaction=True)


def mp4(data: bytes, name: str = "演练.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_reencoded_trimmed_copy_of_a_video_and_a_still_from_it(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    original = media.video(seed=1)
    first = submit(county.town_liaison, county.participant, week1, files=[mp4(original)])
    copy = submit(
        county.other_liaison,
        county.other_participant,
        week1,
        files=[mp4(media.reencoded_and_trimmed(original), "我镇演练.mp4")],
    )
    worker()

    flag = Flag.objects.get()
    assert (flag.kind, flag.version) == (FlagKind.REUSED_VIDEO, copy)
    assert flag.other_attachment == first.attachments.get()
    assert flag.details["frames"] >= 3

    week2 = factories.weekly_period(county.campaign, 2)
    still = photo_file(media.still(original, 4.2), "截图.jpg", taken=None)
    photo_report = submit(
        county.other_liaison, county.other_participant, week2, files=[still], day=10
    )
    worker()
    assert Flag.objects.filter(version=photo_report, kind=FlagKind.REUSED_PHOTO).exists()


def test_two_different_videos_are_not_copies(county, worker):
    week1 = factories.weekly_period(county.campaign, 1)
    submit(county.town_liaison, county.participant, week1, files=[mp4(media.video(seed=2))])
    submit(county.other_liaison, county.other_participant, week1, files=[mp4(media.video(seed=3))])
    worker()
    assert not Flag.objects.exists()


def _attach_raw(version, data: bytes, name: str, kind: str, content_type: str) -> Attachment:
    """A file stored as if an older upload check had let it through."""
    attachment = Attachment.objects.create(
        submission=version.submission,
        kind=kind,
        content_type=content_type,
        original_name=name,
        sha256=f"{len(data):064d}",
        storage_name=default_storage.save(f"evidence/raw/{name}", ContentFile(data)),
        size=len(data),
        uploaded_by=version.submitted_by,
        in_draft=False,
    )
    version.attachments.add(attachment)
    return attachment


@pytest.mark.parametrize(
    ("name", "kind", "content_type", "make", "reason"),
    [
        ("坏.jpg", "photo", "image/jpeg", lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 300, "损坏"),
        (
            "巨大.png",
            "photo",
            "image/png",
            lambda: evidence.png_bomb(side=60_000).read(),
            "像素过多",
        ),
        ("截断.mp4", "video", "video/mp4", lambda: media.video(seed=4)[:1500], "视频"),
        ("无画面.mp4", "video", "video/mp4", evidence.audio_only_mp4, "没有画面"),
    ],
)
def test_a_file_the_worker_cannot_read_is_marked_with_the_reason(
    county, worker, name, kind, content_type, make, reason
):
    week1 = factories.weekly_period(county.campaign, 1)
    version = submit(
        county.town_liaison,
        county.participant,
        week1,
        files=[photo_file(media.still(media.video(5), 1))],
    )
    bad = _attach_raw(version, make(), name, kind, content_type)
    checks.check_version(version.pk)
    worker()

    check = EvidenceCheck.objects.get(attachment=bad)
    assert check.state == CheckState.FAILED
    assert reason in check.reason
    good = version.attachments.exclude(pk=bad.pk).get()
    assert EvidenceCheck.objects.get(attachment=good).state == CheckState.CHECKED
    version.submission.refresh_from_db()
    assert version.submission.state == "submitted"
