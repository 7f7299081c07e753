"""Stored-file processing: the thumbnail over any StoredFile subclass, then registered
processors, through core's task; safe to run twice."""

import hashlib
import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anxuan.core import processing
from anxuan.core.files import Inspected, inspect_upload, store
from anxuan.core.tasks import process_stored_file, requeue_unprocessed_files
from anxuan.reports import services
from anxuan.reports.models import Attachment
from tests import factories
from tests.reports import evidence


@pytest.fixture
def seen():
    calls: list[tuple[str, int, str]] = []

    def fingerprint(stored):
        calls.append((stored._meta.label, stored.pk, stored.thumbnail))

    processing.register("test.fingerprint", fingerprint)
    yield calls
    processing.unregister("test.fingerprint")


@pytest.mark.django_db
def test_the_task_makes_the_thumbnail_then_runs_registered_processors_twice_safely(county, seen):
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    photo = evidence.jpeg()
    (attachment,) = services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )

    process_stored_file.call_local("reports.Attachment", attachment.pk)
    first = Attachment.objects.get(pk=attachment.pk)
    process_stored_file.call_local("reports.Attachment", attachment.pk)

    assert first.thumbnail == processing.thumbnail_name(first.sha256)
    assert first.taken_at is not None
    assert Attachment.objects.get(pk=attachment.pk).thumbnail == first.thumbnail
    assert seen == [("reports.Attachment", attachment.pk, first.thumbnail)] * 2


@pytest.mark.django_db
def test_a_missing_row_or_a_model_that_is_not_a_stored_file_is_refused():
    assert processing.process_by_label("reports.Attachment", 10**9) is False
    with pytest.raises(LookupError):
        processing.stored_file_model("core.AuditEntry")


def _stored_photo(county, data: bytes, name: str = "图.png") -> Attachment:
    """A photo row and its bytes in storage as an earlier release (no pixel bound) kept it."""
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    inspected = Inspected("photo", "image/png", "png", hashlib.sha256(data).hexdigest(), len(data))
    return Attachment.objects.create(
        submission=draft,
        kind="photo",
        content_type=inspected.content_type,
        original_name=name,
        sha256=inspected.sha256,
        storage_name=store(io.BytesIO(data), inspected),
        size=inspected.size,
        uploaded_by=county.town_liaison,
    )


@pytest.mark.django_db
def test_a_stored_photo_above_the_pixel_bound_gets_no_thumbnail_and_the_task_ends(
    county, settings, caplog
):
    bomb = _stored_photo(county, evidence.png_bomb().read())  # 10 000 megapixels
    settings.MAX_IMAGE_PIXELS = 1_000_000  # lowered by the operator after an upload
    large = _stored_photo(county, evidence.grey_png(1200, 1000))

    for stored in (bomb, large, bomb):
        process_stored_file.call_local("reports.Attachment", stored.pk)

    assert list(Attachment.objects.order_by("pk").values_list("thumbnail", flat=True)) == ["", ""]
    assert caplog.messages == [
        f"no thumbnail for {bomb.storage_name}: more pixels than MAX_IMAGE_PIXELS",
        f"no thumbnail for {large.storage_name}: more pixels than MAX_IMAGE_PIXELS",
        f"no thumbnail for {bomb.storage_name}: more pixels than MAX_IMAGE_PIXELS",
    ]


MEMORY_PROBE = """
import resource, sys, django
django.setup()
from anxuan.core.processing import render_thumbnail
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as file:
    jpeg, _taken_at = render_thumbnail(file)
print(jpeg[:2].hex(), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_the_thumbnail_of_79_megapixels_in_77_kb_needs_a_byte_a_pixel_not_six(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(evidence.grey_png(10_240, 7_720))

    probe = subprocess.run(  # noqa: S603 - our interpreter; its own high-water mark of memory
        [sys.executable, "-c", MEMORY_PROBE, str(path)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "anxuan.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    magic, grown_mb = probe.stdout.split()

    assert round(path.stat().st_size / 1000) == 77
    assert magic == "ffd8"  # a JPEG came out
    assert int(grown_mb) < 120  # 79 MB decoded; it was 470 MB


def attached_photo(county) -> Attachment:
    """A photo whose processing was queued but never done: the worker died, or the task
    was lost with the queue (its on-commit enqueue is not run here)."""
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    photo = evidence.jpeg()
    (attachment,) = services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )
    return attachment


@pytest.mark.django_db
def test_a_photo_left_without_its_thumbnail_is_queued_again_by_the_sweeper(county, settings):
    attachment = attached_photo(county)
    later = timezone.now() + timedelta(minutes=settings.STORED_FILE_RETRY_MINUTES + 1)

    requeue_unprocessed_files.call_local()  # too soon: its task may still be waiting
    soon = Attachment.objects.get(pk=attachment.pk)
    with time_machine.travel(later, tick=False):
        requeue_unprocessed_files.call_local()  # the task runs at once in tests
        requeue_unprocessed_files.call_local()  # nothing left to do

    done = Attachment.objects.get(pk=attachment.pk)
    assert (soon.thumbnail, soon.processed_at) == ("", None)
    assert done.thumbnail == processing.thumbnail_name(done.sha256)
    assert done.taken_at is not None
    assert (done.process_attempts, done.processed_at) == (1, later)


@pytest.mark.django_db
def test_a_file_whose_processing_keeps_dying_is_given_up_after_the_attempts(county, settings):
    attachment = attached_photo(county)
    Attachment.objects.filter(pk=attachment.pk).update(process_attempts=settings.JOB_MAX_ATTEMPTS)

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        requeue_unprocessed_files.call_local()

    assert Attachment.objects.get(pk=attachment.pk).thumbnail == ""
