"""What crashes leave behind is swept by the worker: files in storage that no row refers to
and temporary upload files, once a day old; nothing a row refers to ever goes."""

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from anxuan.core import files, processing, sweep
from anxuan.core.tasks import sweep_orphans
from anxuan.exports import services as export_services
from anxuan.reports import services
from anxuan.reports.models import Attachment
from tests import factories
from tests.reports import evidence

DAY_AND_AN_HOUR = 25 * 3600


def age(*names: str) -> None:
    """Make files in storage look written 25 hours ago."""
    then = time.time() - DAY_AND_AN_HOUR
    for name in names:
        os.utime(default_storage.path(name), (then, then))


def attach(county, upload) -> Attachment:
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    (attachment,) = services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(upload, upload.name, files.inspect_upload(upload, upload.name))],
    )
    return attachment


def killed_before_its_row(upload) -> str:
    """What a worker killed between storing the bytes and committing the row leaves."""
    return files.store(upload, files.inspect_upload(upload, upload.name))


@pytest.mark.django_db
def test_exactly_the_files_no_row_refers_to_go_once_a_day_old(
    county, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploading")
    os.mkdir(settings.FILE_UPLOAD_TEMP_DIR)
    with django_capture_on_commit_callbacks(execute=True):  # thumbnail, export run at once
        photo = attach(county, evidence.jpeg())
        job = export_services.start_export(
            actor=county.office_admin,
            campaign=county.campaign,
            kind="statistics",
            options={"basis": "accepted"},
        )
    photo.refresh_from_db()
    job.refresh_from_db()
    orphan = killed_before_its_row(evidence.jpeg("未入库.jpg", size=(640, 480)))
    orphan_sha = orphan.rsplit("/", 1)[1].split(".")[0]
    orphan_thumb = default_storage.save(processing.thumbnail_name(orphan_sha), ContentFile(b"t"))
    earlier_export = default_storage.save(f"exports/{job.pk + 1}.xlsx", ContentFile(b"PK"))
    not_ours = [
        default_storage.save("evidence/README.txt", ContentFile(b"no SHA-256 in its name")),
        default_storage.save("backups/anxuan.dump", ContentFile(b"not an area of the sweep")),
    ]
    referred = [photo.storage_name, photo.thumbnail, job.file_name]
    age(orphan, orphan_thumb, earlier_export, *not_ours, *referred)
    young = killed_before_its_row(evidence.pdf())  # its row may be committing right now
    uploading = tmp_path / "uploading"
    killed_upload = uploading / "tmpa1b2c3.upload.mp4"  # Django's name, its request killed
    killed_upload.write_bytes(b"half a video")
    os.utime(killed_upload, (time.time() - DAY_AND_AN_HOUR,) * 2)
    running_upload = uploading / "tmpd4e5f6.upload.jpg"
    running_upload.write_bytes(b"being read")
    someone_elses = uploading / "report.upload.bak"
    someone_elses.write_bytes(b"not Django's")
    os.utime(someone_elses, (time.time() - DAY_AND_AN_HOUR,) * 2)

    sweep_orphans.call_local()

    assert all(default_storage.exists(name) for name in [*referred, *not_ours, young])
    gone = (orphan, orphan_thumb, earlier_export)
    assert not any(default_storage.exists(name) for name in gone)
    assert sorted(p.name for p in uploading.iterdir()) == [
        "report.upload.bak",
        "tmpd4e5f6.upload.jpg",
    ]
    assert photo.thumbnail  # what was kept was really there to keep
    assert job.file_name


@pytest.mark.django_db
def test_an_old_orphan_whose_bytes_arrive_again_stays_while_the_new_row_is_written(county):
    orphan = killed_before_its_row(evidence.jpeg())
    age(orphan)

    again = killed_before_its_row(evidence.jpeg())  # the retrying phone; its row not yet in
    removed = sweep.sweep_storage()

    assert again == orphan
    assert removed == []
    assert default_storage.exists(orphan)


@pytest.mark.django_db
def test_the_sweep_waits_the_hours_the_operator_set(county, settings):
    settings.ORPHAN_MIN_AGE_HOURS = 48
    orphan = killed_before_its_row(evidence.jpeg())
    age(orphan)

    first = sweep.sweep_storage()
    second = sweep.sweep_storage(now=timezone.now() + timedelta(hours=24))

    assert (first, second) == ([], [orphan])
