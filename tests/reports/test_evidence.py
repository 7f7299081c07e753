"""Evidence uploads: checked by content, stored under their SHA-256, never lost."""

import hashlib
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anxuan.core.files import inspect_upload
from anxuan.reports import services
from anxuan.reports.enums import State
from anxuan.reports.models import Attachment, Submission
from tests import factories
from tests.conftest import close_response
from tests.reports import evidence
from tests.reports.test_views import new_url, report_form


def post_report(client, county, files, **extra):
    period = factories.weekly_period(county.campaign)
    return client.post(
        new_url(county.participant, period), {**report_form(**extra), "files": files}
    )


def test_a_photo_is_stored_by_hash_with_thumbnail_and_taken_at(
    county, login, django_capture_on_commit_callbacks
):
    photo = evidence.jpeg()
    content = photo.read()
    photo.seek(0)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(login(county.town_liaison), county, [photo], submit="1")

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.kind == "photo"
    assert (attachment.width, attachment.height) == (1600, 1200)
    with default_storage.open(attachment.storage_name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == attachment.sha256
    assert attachment.thumbnail
    assert attachment.taken_at.strftime("%Y-%m-%d %H:%M") == "2026-06-02 02:30"  # UTC
    version = Submission.objects.get().versions.get()
    assert list(version.attachments.all()) == [attachment]


def test_a_renamed_exe_is_refused_and_nothing_is_saved(county, login):
    response = post_report(login(county.town_liaison), county, [evidence.exe_renamed()], submit="1")

    assert response.status_code == 400
    assert "“照片.jpg”不是图片（JPEG、PNG、HEIC）、视频（MP4、MOV）或文档（PDF、DOCX、XLSX）" in (
        response.content.decode()
    )
    assert not Submission.objects.exists()
    assert not Attachment.objects.exists()
    assert "6月2日在中心广场开展安全宣传咨询活动" in response.content.decode()  # text kept


def test_an_oversize_photo_is_refused(county, login, settings):
    settings.EVIDENCE_MAX_BYTES = {**settings.EVIDENCE_MAX_BYTES, "photo": 10_000}

    response = post_report(login(county.town_liaison), county, [evidence.jpeg()])

    assert response.status_code == 400
    page = response.content.decode()
    assert "“现场.jpg”大小为" in page
    assert "图片最大 9.8\xa0KB。" in page
    assert not Attachment.objects.exists()


def test_a_decompression_bomb_is_refused(county, login):
    response = post_report(login(county.town_liaison), county, [evidence.png_bomb()])

    assert response.status_code == 400
    assert "“bomb.png”像素过多，不像照片，已拒收。" in response.content.decode()
    assert not Attachment.objects.exists()


def test_returned_report_keeps_its_files_in_the_earlier_version(county, login):
    client = login(county.town_liaison)
    post_report(client, county, [evidence.jpeg(), evidence.pdf()], submit="1")
    submission = Submission.objects.get()
    from anxuan.reports import services

    services.return_submission(actor=county.office_admin, submission=submission, reason="照片不清")
    photo = submission.attachments.get(kind="photo")

    client.post(reverse("reports:attachment_remove", args=[photo.pk]))
    client.post(
        reverse("reports:report_edit", args=[submission.pk]),
        {**report_form(submit="1"), "files": [evidence.jpeg("新照片.jpg", size=(800, 600))]},
    )

    submission.refresh_from_db()
    first, second = submission.versions.order_by("number")
    assert submission.state == State.RESUBMITTED
    assert sorted(a.original_name for a in first.attachments.all()) == ["方案.pdf", "现场.jpg"]
    assert sorted(a.original_name for a in second.attachments.all()) == ["新照片.jpg", "方案.pdf"]
    assert default_storage.exists(photo.storage_name)


def test_files_are_served_only_to_those_who_may_see_the_report(county, login):
    post_report(login(county.town_liaison), county, [evidence.pdf()], submit="1")
    attachment = Attachment.objects.get()
    url = reverse("reports:attachment_file", args=[attachment.pk])

    response = login(county.office_admin).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    close_response(response)
    assert login(county.other_liaison).get(url).status_code == 404


@pytest.mark.parametrize("same_bytes_twice", [True])
def test_the_same_bytes_are_stored_once(county, login, same_bytes_twice):
    client = login(county.town_liaison)
    post_report(client, county, [evidence.pdf("a.pdf"), evidence.pdf("b.pdf")])

    names = set(Attachment.objects.values_list("storage_name", flat=True))
    assert Attachment.objects.count() == 2
    assert len(names) == 1


def test_direction_controls_are_taken_out_of_a_stored_file_name(county, login):
    # U+202E would make the name display as "现场gpj.exe" backwards, i.e. ending ".jpg".
    hidden = "现场\u202egpj\u2066\u200f\u061c\u200b.exe"
    response = post_report(login(county.town_liaison), county, [evidence.jpeg(name=hidden)])

    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "现场gpj.exe"


def test_a_refused_file_is_named_without_its_direction_controls(county, login):
    response = post_report(
        login(county.town_liaison), county, [evidence.exe_renamed("clip\u202e4pm.bat")]
    )

    assert response.status_code == 400
    assert "“clip4pm.bat”不是图片" in response.content.decode()


def test_a_real_video_is_accepted_with_its_picture_size(county, login):
    video = SimpleUploadedFile("演练.mp4", evidence.mp4_bytes(50_000), content_type="video/mp4")

    response = post_report(login(county.town_liaison), county, [video])

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.content_type) == ("video", "video/mp4")
    assert (attachment.width, attachment.height) == (32, 24)


@pytest.mark.parametrize(
    "data",
    [
        evidence.fake_mp4_bytes(50_000),  # an MP4 header, then anything
        evidence.mp4_bytes(50_000)[:400],  # a real video cut short: its pictures are gone
        evidence.audio_only_mp4(),  # sound only
    ],
    ids=["header-only", "cut-short", "sound-only"],
)
def test_bytes_that_only_look_like_a_video_are_refused(county, login, data):
    fake = SimpleUploadedFile("演练.mp4", data, content_type="video/mp4")

    response = post_report(login(county.town_liaison), county, [fake], submit="1")

    assert response.status_code == 400
    assert "“演练.mp4”不是能播放的视频：读不出画面。" in response.content.decode()
    assert not Submission.objects.exists()
    assert not Attachment.objects.exists()


def test_names_stored_before_the_cleaning_lose_their_direction_controls(county):
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    photo = evidence.jpeg()
    (attachment,) = services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )
    Attachment.objects.filter(pk=attachment.pk).update(original_name="clip\u202e4pm.bat")
    migration = importlib.import_module(
        "anxuan.reports.migrations.0014_file_names_without_direction_controls"
    )

    migration.clean_stored_names(django_apps, None)

    assert Attachment.objects.get(pk=attachment.pk).original_name == "clip4pm.bat"
