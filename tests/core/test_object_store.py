"""The evidence loop with every file in the object store (a cluster's S3_ENDPOINT_URL):
uploads, thumbnails, the integrity worker reading photos and videos back, downloads,
exports written by the worker, the orphan sweep; and a clear 503 when the store is away."""

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from anxuan.core import sweep
from anxuan.core.files import inspect_upload
from anxuan.core.seaweed import free_port
from anxuan.integrity.enums import FlagKind
from anxuan.integrity.models import Flag
from anxuan.reports import services
from anxuan.reports.models import Attachment, Submission
from tests import factories
from tests.conftest import close_response
from tests.exports.test_exports import export, report_with_photo
from tests.integrity import media
from tests.integrity.conftest import at, photo_file, scene
from tests.integrity.test_media import mp4
from tests.reports import evidence
from tests.reports.test_evidence import post_report


def objects(store) -> list[str]:
    """Every key in the test store's bucket."""
    listed = store.client().list_objects_v2(Bucket=store.bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_photo_goes_to_the_store_with_its_thumbnail_and_comes_back(county, login, s3_storage):
    photo = evidence.jpeg()
    content = photo.read()
    photo.seek(0)

    report_with_photo(county, login, photo)
    attachment = Attachment.objects.get()
    download = login(county.office_admin).get(
        reverse("reports:attachment_file", args=[attachment.pk])
    )
    body = b"".join(download.streaming_content)
    close_response(download)

    keys = objects(s3_storage)
    assert any(key.endswith(attachment.storage_name) for key in keys)
    assert attachment.thumbnail
    assert any(key.endswith(attachment.thumbnail) for key in keys)
    assert (
        hashlib.sha256(body).hexdigest() == attachment.sha256 == hashlib.sha256(content).hexdigest()
    )


def sent(actor, participant, period, files):
    """A report submitted on June 4 with `files` uploaded now: the store checks each
    request's signature against its own clock, so the bytes go up outside the time travel."""
    draft = factories.report(actor, participant, period, text="开展安全宣传咨询活动")
    uploads = [(f, f.name, inspect_upload(f, f.name)) for f in files]
    services.attach_files(actor=actor, submission=draft, uploads=uploads)
    with at(4):
        return services.submit_report(actor=actor, submission=draft)


@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_photos_and_videos_back_from_the_store(county, worker, s3_storage):
    week1 = factories.weekly_period(county.campaign, 1)
    original, picture = media.video(seed=1), scene(5)
    sent(county.town_liaison, county.participant, week1, [mp4(original), photo_file(picture)])
    copy = sent(
        county.other_liaison,
        county.other_participant,
        week1,
        [
            mp4(media.reencoded_and_trimmed(original), "我镇演练.mp4"),
            photo_file(picture, "我们的.jpg"),
        ],
    )
    worker()

    kinds = set(Flag.objects.filter(version=copy).values_list("kind", flat=True))
    assert {FlagKind.REUSED_VIDEO, FlagKind.REUSED_PHOTO} <= kinds


def test_an_evidence_package_is_written_to_the_store_and_downloaded(county, login, s3_storage):
    report_with_photo(county, login, evidence.jpeg(), evidence.pdf())

    job, content = export(login(county.office_admin), county.campaign, "evidence")

    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(n.split("-", 1)[1] for n in archive.namelist() if n != "manifest.csv") == [
        "方案.pdf",
        "现场.jpg",
    ]
    assert any(key.endswith(job.file_name) for key in objects(s3_storage))


def test_the_sweep_removes_old_orphans_in_the_store_and_keeps_what_rows_hold(
    county, login, s3_storage
):
    report_with_photo(county, login)
    kept = Attachment.objects.get().storage_name
    orphan = default_storage.save("evidence/00/00/" + "0" * 64 + ".jpg", ContentFile(b"left"))

    assert sweep.sweep_storage() == []  # young: left alone
    removed = sweep.sweep_storage(now=timezone.now() + timedelta(hours=25))

    assert removed == [orphan]
    assert default_storage.exists(kept)
    assert not default_storage.exists(orphan)


@pytest.fixture
def store_away(settings, s3_storage):
    """The object store's address with nothing listening: the store is down."""
    default = settings.STORAGES["default"]
    away = {**default["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": away}}


def test_a_report_with_photos_while_the_store_is_away_is_a_503_page_and_saves_nothing(
    county, login, store_away
):
    response = post_report(login(county.town_liaison), county, [evidence.jpeg()], submit="1")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "文件存储暂时不可用" in page
    assert "请一分钟后重试" in page
    assert not Submission.objects.exists()
    assert not Attachment.objects.exists()
