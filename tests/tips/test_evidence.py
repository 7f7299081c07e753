"""A tip's photos and videos: the copy handlers see holds no location, device or EXIF data
(a JPEG turned upright, a HEIC as JPEG, a MOV's ©xyz and an MP4's loci gone), the original
is in storage only encrypted and comes back byte for byte; documents, too many files and a
single bad one keep nothing; the handlers' file view serves the copy and its thumbnail."""

import io
import os
from datetime import timedelta
from pathlib import Path

import av
import pytest
from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from PIL import ExifTags, Image, ImageCms

from anxuan.core import files, processing, sweep
from anxuan.core.models import AuditEntry
from anxuan.integrity.models import EvidenceCheck
from anxuan.tips import evidence, identity
from anxuan.tips import services as tip_services
from anxuan.tips.models import TipFile
from tests.reports import evidence as made

LOCATION = "+39.3700+099.8200/"
DEVICE = b"iPhone 15 Pro"


def a_tip(county, **identity_fields):
    return tip_services.file_tip(
        place=county.town,
        address="工业园区 3 号",
        target="某化工厂",
        category="major_hazard",
        description="夜间违规动火作业",
        **identity_fields,
    ).tip


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x0110] = DEVICE.decode()  # Model
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
    exif[0x0132] = "2026:06:10 22:15:00"  # DateTime
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2] = "N", (39.0, 22.0, 12.0)
    gps[3], gps[4] = "E", (99.0, 49.0, 1.0)
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="39,22.2N" tiff:Model="iPhone 15 Pro"/></rdf:RDF></x:xmpmeta>'
)


def phone_jpeg(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    """A 40 × 20 photo as a phone writes it: GPS, make and model, XMP, a colour profile,
    and an orientation that shows it 20 × 40."""
    image = Image.new("RGB", (40, 20), (200, 60, 40))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=gps_exif(), xmp=XMP, icc_profile=icc)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def phone_heic(name: str = "IMG_0002.HEIC") -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 20), (40, 60, 200))
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", exif=gps_exif().tobytes(), xmp=XMP)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/heic")


def screenshot_png(name: str = "截图.png") -> SimpleUploadedFile:
    image = Image.new("RGBA", (30, 30), (0, 128, 0, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", exif=gps_exif())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def phone_video(fmt: str = "mov", name: str = "IMG_0003.MOV") -> SimpleUploadedFile:
    """Three pictures in a MOV (FFmpeg writes the location as ©xyz) or an MP4 (as loci),
    with the make, the model, a creation time and a handler name."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=fmt) as out:
        out.metadata.update(
            {
                "location": LOCATION,
                "make": "Apple",
                "model": DEVICE.decode(),
                "creation_time": "2026-06-10T14:15:00Z",
            }
        )
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 24, "yuv420p"
        stream.metadata["handler_name"] = "Core Media Video"
        for number in range(3):
            frame = av.VideoFrame.from_image(Image.new("RGB", (32, 24), (200, 60, 40)))
            frame.pts = number
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="video/quicktime")


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def everything_in_storage(settings) -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def original(tip_file: TipFile) -> bytes:
    out = io.BytesIO()
    evidence.open_original(tip_file, out)
    return out.getvalue()


def test_a_phone_photo_is_seen_upright_without_exif_gps_or_device(
    county, settings, django_capture_on_commit_callbacks
):
    tip = a_tip(county)
    upload = phone_jpeg()
    sent = upload.read()
    upload.seek(0)
    assert DEVICE in sent
    assert b"Exif" in sent

    with django_capture_on_commit_callbacks(execute=True):
        (photo,) = evidence.attach(tip, [upload], from_reporter=True)

    photo.refresh_from_db()
    assert (photo.kind, photo.content_type, photo.width, photo.height) == (
        "photo",
        "image/jpeg",
        20,
        40,
    )
    assert photo.original_name == f"tip{tip.pk}-1.jpg"  # not the phone's name for it
    copy = stored(photo.storage_name)
    with Image.open(io.BytesIO(copy)) as seen:
        assert seen.size == (20, 40)
        assert dict(seen.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(seen.info)
    for trace in (DEVICE, b"Apple", b"Exif\x00\x00", b"http://ns.adobe.com", b"ICC_PROFILE"):
        assert trace not in copy
    assert photo.sha256 == files.inspect_upload(io.BytesIO(copy), "x.jpg").sha256
    assert photo.thumbnail  # queued after the commit, made by the worker
    assert photo.processed_at is not None
    thumb = stored(photo.thumbnail)
    assert DEVICE not in thumb
    assert b"Exif\x00\x00" not in thumb
    # The original: only encrypted in storage, and exactly what was sent when unsealed.
    assert photo.sealed_name.startswith(evidence.SEALED_PREFIX)
    assert original(photo) == sent
    for name, content in everything_in_storage(settings).items():
        assert DEVICE not in content, name
        assert sent[100:164] not in content, name
    entry = AuditEntry.objects.get(action="tips.attach")
    assert entry.data == {"files": [photo.sha256], "from_reporter": True}
    assert "IMG_0001" not in repr(entry.__dict__)


def test_a_heic_photo_is_seen_as_a_jpeg_and_a_png_stays_a_png(county):
    tip = a_tip(county)

    heic, png = evidence.attach(tip, [phone_heic(), screenshot_png()], from_reporter=True)

    assert (heic.content_type, heic.original_name) == ("image/jpeg", f"tip{tip.pk}-1.jpg")
    assert (png.content_type, png.original_name) == ("image/png", f"tip{tip.pk}-2.png")
    for row in (heic, png):
        copy = stored(row.storage_name)
        with Image.open(io.BytesIO(copy)) as seen:
            assert dict(seen.getexif()) == {}
            assert "xmp" not in seen.info
        assert DEVICE not in copy
    with Image.open(io.BytesIO(stored(png.storage_name))) as seen:
        assert seen.mode == "RGBA"  # the transparency is kept
    assert original(heic)[4:12] == b"ftypheic"


@pytest.mark.parametrize(
    ("fmt", "location_box"), [("mov", b"\xa9xyz"), ("mp4", b"loci")], ids=["mov", "mp4"]
)
def test_a_video_is_remuxed_without_its_location_or_any_metadata(county, fmt, location_box):
    tip = a_tip(county)
    upload = phone_video(fmt)
    sent = upload.read()
    upload.seek(0)
    assert location_box in sent  # FFmpeg wrote the location the way phones do
    with av.open(io.BytesIO(sent)) as container:
        assert container.metadata["location"] == LOCATION

    (video,) = evidence.attach(tip, [upload], from_reporter=True)

    copy = stored(video.storage_name)
    for trace in (location_box, b"+39.37", DEVICE, b"Apple", b"Core Media", b"2026-06-10"):
        assert trace not in copy
    with av.open(io.BytesIO(copy)) as container:
        assert not {"location", "make", "model", "creation_time"} & set(container.metadata)
        assert all("creation_time" not in s.metadata for s in container.streams)
        assert all(s.metadata.get("handler_name") != "Core Media Video" for s in container.streams)
        pictures = list(container.decode(video=0))
    assert len(pictures) == 3
    assert (video.kind, video.width, video.height) == ("video", 32, 24)
    assert video.content_type == files.inspect_upload(io.BytesIO(sent), "v").content_type
    assert original(video) == sent
    assert location_box not in stored(video.sealed_name)


def test_a_document_is_refused_in_chinese_and_nothing_is_kept(county, settings):
    tip = a_tip(county)

    with pytest.raises(ValidationError) as refused:
        evidence.attach(tip, [made.pdf("方案.pdf")], from_reporter=True)

    assert refused.value.messages == ["“方案.pdf”是文档：举报只接收照片和视频。"]
    assert refused.value.error_list[0].code == files.UNSUPPORTED_TYPE
    assert not TipFile.objects.exists()
    assert everything_in_storage(settings) == {}


def test_one_bad_file_keeps_none_and_each_refusal_is_named(county, settings):
    tip = a_tip(county)
    uploads = [phone_jpeg("好的.jpg"), made.pdf("方案.pdf"), made.exe_renamed("照片.jpg")]

    with pytest.raises(ValidationError) as refused:
        evidence.attach(tip, uploads, from_reporter=True)

    messages = refused.value.messages
    assert messages[0] == "“方案.pdf”是文档：举报只接收照片和视频。"
    assert messages[1].startswith("“照片.jpg”不是图片")
    assert messages[2] == "所有文件均未保存：请去掉被拒收的文件后重新上传。"
    assert len(messages) == 3
    assert not TipFile.objects.exists()
    assert everything_in_storage(settings) == {}
    assert not AuditEntry.objects.filter(action="tips.attach").exists()


def test_a_tip_takes_at_most_the_set_number_of_files(county, settings):
    settings.TIPS_MAX_FILES = 2
    tip = a_tip(county)

    with pytest.raises(ValidationError) as at_once:
        evidence.attach(tip, [made.jpeg(), made.jpeg(), made.jpeg()], from_reporter=True)
    evidence.attach(tip, [made.jpeg(), made.jpeg(taken="2026:06:03 10:00:00")], from_reporter=True)
    with pytest.raises(ValidationError) as later:
        evidence.attach(tip, [phone_jpeg()], from_reporter=False)

    assert at_once.value.messages[0] == "一件举报最多可上传 2 个照片和视频，本次上传了 3 个。"
    assert later.value.messages == [
        "一件举报最多可有 2 个照片和视频，已有 2 个，再加 1 个就超出了。"
    ]
    assert later.value.error_list[0].code == evidence.TOO_MANY
    assert tip.files.count() == 2


def test_the_form_field_takes_several_files_and_refuses_documents():
    from django import forms

    class EvidenceForm(forms.Form):
        files = evidence.TipEvidenceField()

    html = str(EvidenceForm()["files"])
    assert 'type="file"' in html
    assert "multiple" in html
    assert 'accept="image/*,video/*,.heic"' in html
    assert "最多 9 个照片" in str(EvidenceForm().fields["files"].help_text)

    good = EvidenceForm(data={}, files=MultiValueDict({"files": [made.jpeg(), phone_video()]}))
    assert good.is_valid()
    assert [u.name for u in good.cleaned_data["files"]] == ["现场.jpg", "IMG_0003.MOV"]

    bad = EvidenceForm(data={}, files=MultiValueDict({"files": [made.jpeg(), made.pdf()]}))
    assert not bad.is_valid()
    assert bad.errors["files"] == [
        "“方案.pdf”是文档：举报只接收照片和视频。",
        "所有文件均未保存：请去掉被拒收的文件后重新上传。",
    ]

    none = EvidenceForm(data={}, files=MultiValueDict())
    assert none.is_valid()
    assert none.cleaned_data["files"] == []


def test_processing_a_tip_file_makes_its_thumbnail_and_no_integrity_fingerprint(county):
    tip = a_tip(county)
    (photo,) = evidence.attach(tip, [phone_jpeg()], from_reporter=True)

    assert processing.process_by_label("tips.TipFile", photo.pk)  # every registered processor

    photo.refresh_from_db()
    assert photo.thumbnail
    assert photo.processed_at is not None
    assert not EvidenceCheck.objects.exists()


def test_handlers_get_the_stripped_copy_and_its_thumbnail_others_nothing(county, login):
    tip = a_tip(county)
    (photo,) = evidence.attach(tip, [phone_jpeg()], from_reporter=True)
    processing.process_by_label("tips.TipFile", photo.pk)
    photo.refresh_from_db()

    staff = login(county.office_staff)
    served = staff.get(reverse("tips:tip_file", args=[photo.pk]))
    copy = b"".join(served.streaming_content)
    thumb = staff.get(reverse("tips:tip_file_thumb", args=[photo.pk]))
    page = staff.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()

    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, no-store"
    assert copy == stored(photo.storage_name)
    assert DEVICE not in copy
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content) == stored(photo.thumbnail)
    assert reverse("tips:tip_file", args=[photo.pk]) in page
    assert reverse("tips:tip_file_thumb", args=[photo.pk]) in page
    assert "IMG_0001" not in page
    for outsider in (county.town_liaison, county.outsider, county.reviewer):
        other = Client()
        other.force_login(outsider, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
        assert other.get(reverse("tips:tip_file", args=[photo.pk])).status_code == 404


def test_the_tip_page_lists_files_in_a_fixed_number_of_queries(
    county, login, django_assert_num_queries
):
    tip = a_tip(county)
    evidence.attach(tip, [made.jpeg()], from_reporter=True)
    client = login(county.office_admin)
    url = reverse("tips:tip_detail", args=[tip.pk])
    client.get(url)  # the session and caches warmed
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    evidence.attach(
        tip,
        [made.jpeg(taken="2026:06:03 10:00:00"), made.jpeg(taken="2026:06:04 10:00:00")],
        from_reporter=False,
    )

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)

    assert page.content.decode().count('data-file="') == 3


def test_sealed_originals_no_row_keeps_are_swept_the_others_stay(county, settings):
    tip = a_tip(county)
    (kept,) = evidence.attach(tip, [made.jpeg()], from_reporter=True)
    orphan = evidence.seal_original(made.jpeg(taken="2026:06:05 10:00:00"))
    old = (timezone.now() - timedelta(hours=settings.ORPHAN_MIN_AGE_HOURS + 1)).timestamp()
    for name in (kept.sealed_name, orphan):
        os.utime(default_storage.path(name), (old, old))

    removed = sweep.sweep_storage()

    assert orphan in removed
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.sealed_name)
    assert default_storage.exists(kept.storage_name)


def test_a_sealed_file_cut_reordered_or_under_another_key_does_not_open(settings):
    data = os.urandom(identity.SEAL_CHUNK * 2 + 10)
    sealed = identity.seal_bytes(data)
    assert identity.unseal_bytes(sealed) == data
    assert data[:64] not in sealed
    head = len(identity.MAGIC)
    first = int.from_bytes(sealed[head : head + 4], "big") + 4
    second = int.from_bytes(sealed[head + first : head + first + 4], "big") + 4
    records = [sealed[head : head + first], sealed[head + first : head + first + second]]
    rest = sealed[head + first + second :]

    for damaged in (
        sealed[:-5],  # cut inside the last record
        identity.MAGIC + records[0] + records[1],  # cut before the last record
        identity.MAGIC + records[1] + records[0] + rest,  # reordered
        sealed + records[0],  # something after the last record
        b"not sealed at all",
    ):
        with pytest.raises(InvalidToken):
            identity.unseal_bytes(damaged)
    identity._fernet.cache_clear()
    identity._key.cache_clear()
    settings.TIPS_IDENTITY_KEY = "x" * 43 + "="
    try:
        with pytest.raises(InvalidToken):
            identity.unseal_bytes(sealed)
    finally:
        identity._fernet.cache_clear()
        identity._key.cache_clear()
