"""A tip's photos and videos. Handlers see only a copy without any location or device
trace: a photo decoded, turned upright by its EXIF orientation and encoded again with no
EXIF, XMP or colour profile (HEIC becomes JPEG); a video remuxed, its picture and sound
streams copied untouched and every container and stream metadata tag left behind (GPS
©xyz and loci, make, model, creation time). The file as uploaded is kept only encrypted
under the identity key (tips.identity.seal_stream), under a random name in SEALED_PREFIX:
nothing of it is in storage in clear (decision 0023).

The public form and the follow-up page add `TipEvidenceField` to their forms and call
`attach` inside the transaction that files the tip or records the step."""

import hashlib
import io
import logging
import os
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import av
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from PIL import Image, ImageCms, ImageOps

from anxuan.core import audit, files
from anxuan.core import tasks as core_tasks
from anxuan.orgs.models import Person
from anxuan.tips import identity
from anxuan.tips.models import Tip, TipFile

log = logging.getLogger(__name__)

DEFAULT_MAX_FILES = 9  # settings.TIPS_MAX_FILES overrides it
SEALED_PREFIX = "tips/sealed/"
ACCEPT = "image/*,video/*,.heic"
JPEG_QUALITY = 90
TOO_MANY = "too_many_files"
# The container each video type is remuxed into: the same as it came in.
VIDEO_FORMATS = {"video/mp4": "mp4", "video/quicktime": "mov"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def max_files() -> int:
    """How many photos and videos one tip may have in all."""
    return int(getattr(settings, "TIPS_MAX_FILES", DEFAULT_MAX_FILES))


# Checking --------------------------------------------------------------------------------

Checked = tuple[UploadedFile, files.Inspected]


def _nothing_kept(errors: list[ValidationError], count: int) -> ValidationError:
    """One error of every refusal (each keeps its code: core.files' UNSUPPORTED_TYPE and
    TOO_LARGE, TOO_MANY), saying that nothing was kept when several files were sent."""
    if count > 1:
        errors.append(
            ValidationError(
                _("None of the files was kept: send them again without those refused."),
                code="nothing_kept",
            )
        )
    return ValidationError(errors)


def check(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[Checked]:
    """Each upload's type from its content (core.files.inspect_upload: size, pixels, a video
    that plays), and that it is a photo or a video, and that with the `already` files of
    the tip they are at most `max_files()`. Raises one ValidationError naming every file
    refused and why; returns the uploads with what was found."""
    errors: list[ValidationError] = []
    limit = max_files()
    if already + len(uploads) > limit:
        if already:
            message = ngettext(
                "A tip takes at most %(max)d photos and videos; it has %(already)d "
                "already, %(count)d more is too many.",
                "A tip takes at most %(max)d photos and videos; it has %(already)d "
                "already, %(count)d more are too many.",
                len(uploads),
            ) % {"max": limit, "already": already, "count": len(uploads)}
        else:
            message = _("A tip takes at most %(max)d photos and videos; %(count)d were sent.") % {
                "max": limit,
                "count": len(uploads),
            }
        errors.append(ValidationError(message, code=TOO_MANY))
    checked: list[Checked] = []
    for upload in uploads:
        name = files.clean_file_name(upload.name or "")
        try:
            inspected = files.inspect_upload(upload, name)
        except ValidationError as exc:
            errors.extend(exc.error_list)
            continue
        if inspected.kind not in (files.PHOTO, files.VIDEO):
            errors.append(
                ValidationError(
                    _("“%(name)s” is a document: a tip takes photos and videos only.")
                    % {"name": name},
                    code=files.UNSUPPORTED_TYPE,
                )
            )
            continue
        checked.append((upload, inspected))
    if errors:
        raise _nothing_kept(errors, len(uploads))
    return checked


# Stripping -------------------------------------------------------------------------------


@dataclass
class Clean:
    """The copy handlers see, in a temporary file, and what describes it."""

    file: IO[bytes]
    inspected: files.Inspected

    def close(self) -> None:
        self.file.close()


def _described(fileobj: IO[bytes], kind: str, content_type: str, extension: str) -> Clean:
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    while chunk := fileobj.read(files.CHUNK):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    width = height = None
    if kind == files.PHOTO:
        with Image.open(fileobj) as image:
            width, height = image.size
        fileobj.seek(0)
    else:
        with av.open(fileobj, "r") as container:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
        fileobj.seek(0)
    inspected = files.Inspected(
        kind, content_type, extension, digest.hexdigest(), size, width, height
    )
    return Clean(fileobj, inspected)


def _in_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The picture converted to sRGB from its embedded colour profile (which is then not
    kept: a profile may name the device), or as it is when it has none that works."""
    if not icc or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def strip_photo(fileobj: IO[bytes], inspected: files.Inspected) -> Clean:
    """The photo upright, encoded again with nothing but its pixels: JPEG for a JPEG or
    HEIC, PNG for a PNG (transparency kept)."""
    fileobj.seek(0)
    with files.open_photo(fileobj) as image:
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)  # a new image, or a copy
    upright = _in_srgb(upright, icc)
    if inspected.content_type == "image/png":
        if upright.mode == "P" and "transparency" in upright.info:
            upright = upright.convert("RGBA")
        target, content_type, extension = "PNG", "image/png", "png"
    else:
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        target, content_type, extension = "JPEG", "image/jpeg", "jpg"
    upright.info.clear()  # EXIF, XMP, ICC, comments: none goes into the copy
    out = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 - see strip_video
    try:
        if target == "JPEG":
            upright.save(out, "JPEG", quality=JPEG_QUALITY)
        else:
            upright.save(out, "PNG")
        return _described(out, files.PHOTO, content_type, extension)
    except BaseException:
        out.close()
        raise


def strip_video(fileobj: IO[bytes], inspected: files.Inspected) -> Clean:
    """The video's picture and sound streams copied packet for packet into a new container
    of the same type, with no metadata of the container or of the streams (and no data,
    subtitle or timed-metadata streams at all), its index at the front for playing while
    it downloads."""
    fmt = VIDEO_FORMATS[inspected.content_type]
    handle, path = tempfile.mkstemp(
        suffix=f".{inspected.extension}", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    os.close(handle)
    try:
        fileobj.seek(0)
        with (
            av.open(fileobj, "r") as source,
            av.open(path, "w", format=fmt, options={"movflags": "+faststart"}) as target,
        ):
            kept: dict[int, Any] = {}
            for stream in source.streams:
                if stream.type in ("video", "audio"):
                    copy = target.add_stream_from_template(stream)
                    copy.metadata.clear()
                    kept[stream.index] = copy
            target.metadata.clear()
            for packet in source.demux(*[source.streams[i] for i in kept]):
                if packet.dts is None:  # the demuxer's empty packet at the end of a stream
                    continue
                packet.stream = kept[packet.stream.index]
                target.mux(packet)
        out = Path(path).open("rb")  # noqa: SIM115 - closed by Clean.close, the caller's
    finally:
        os.unlink(path)  # the open file stays readable; nothing is left in the folder
    try:
        return _described(out, files.VIDEO, inspected.content_type, inspected.extension)
    except BaseException:
        out.close()
        raise


def strip(upload: UploadedFile, inspected: files.Inspected) -> Clean:
    """The copy of an upload that handlers see; ValidationError when it cannot be made."""
    name = files.clean_file_name(upload.name or "")
    try:
        if inspected.kind == files.PHOTO:
            return strip_photo(upload, inspected)
        return strip_video(upload, inspected)
    except (OSError, ValueError, av.FFmpegError, Image.DecompressionBombError) as exc:
        log.warning("tip evidence not stripped (%s): %s", inspected.content_type, exc)
        raise ValidationError(
            _(
                "“%(name)s” could not be cleaned of its location and device data; send it "
                "in another format (a JPEG photo, an MP4 video)."
            )
            % {"name": name}
        ) from exc
    finally:
        upload.seek(0)


# Keeping ---------------------------------------------------------------------------------


def seal_original(upload: UploadedFile) -> str:
    """Store the upload as it came, encrypted under the identity key, under a new random
    name; returns the name."""
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as sealed:
        upload.seek(0)
        identity.seal_stream(upload, sealed)
        sealed.seek(0)
        return default_storage.save(f"{SEALED_PREFIX}{secrets.token_hex(16)}.sealed", File(sealed))


def open_original(tip_file: TipFile, target: IO[bytes]) -> None:
    """Write the file as the reporter sent it into `target` (decrypting its sealed copy)."""
    with default_storage.open(tip_file.sealed_name, "rb") as sealed:
        identity.unseal_stream(sealed, target)


def referenced_sealed(names: list[str]) -> set[str]:
    """Those of `names` that a TipFile row keeps as its sealed original (core.sweep)."""
    return set(TipFile.objects.filter(sealed_name__in=names).values_list("sealed_name", flat=True))


@transaction.atomic
def attach(
    tip: Tip,
    uploads: Sequence[UploadedFile],
    *,
    from_reporter: bool,
    actor: Person | None = None,
) -> list[TipFile]:
    """Add photos and videos to a tip, all or none: each is checked (`check`, at most
    `max_files()` a tip), stripped (`strip`), its original sealed and its copy stored; a
    ValidationError naming every file refused and why leaves nothing kept. `actor` is the
    staff member adding evidence (a letter's photos), None for the reporter. No TipEvent:
    the caller records the step it is part of (filing, evidence added).
    Side effects: sealed originals and copies in storage, TipFile rows, an audit row (no
    file name: a name may say who took it), thumbnails queued after the commit."""
    if not uploads:
        return []
    tip = Tip.objects.select_for_update().get(pk=tip.pk)  # two adds at once count right
    already = TipFile.objects.filter(tip=tip).count()
    checked = check(uploads, already=already)
    cleaned: list[Clean] = []
    sealed: list[str] = []
    try:
        errors: list[ValidationError] = []
        for upload, inspected in checked:
            try:
                cleaned.append(strip(upload, inspected))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise _nothing_kept(errors, len(uploads))
        made = []
        for number, ((upload, _inspected), clean) in enumerate(
            zip(checked, cleaned, strict=True), start=already + 1
        ):
            sealed.append(seal_original(upload))
            name = f"tip{tip.pk}-{number}.{clean.inspected.extension}"
            row = TipFile(
                tip=tip,
                sealed_name=sealed[-1],
                from_reporter=from_reporter,
                **files.stored_fields((clean.file, name, clean.inspected)),
            )
            row.full_clean()
            row.save()
            made.append(row)
    except BaseException:
        for name in sealed:  # random names: no other row can share them
            default_storage.delete(name)
        raise
    finally:
        for clean in cleaned:
            clean.close()
    audit.record(
        actor=actor,
        action="tips.attach",
        target=tip,
        summary=ngettext("%(count)d file", "%(count)d files", len(made)) % {"count": len(made)},
        files=[row.sha256 for row in made],
        from_reporter=from_reporter,
    )
    ids = [row.pk for row in made]
    label = TipFile._meta.label
    transaction.on_commit(lambda: [core_tasks.process_stored_file(label, pk) for pk in ids])
    return made


# The form field --------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _help_text() -> str:
    return _(
        "Up to %(max)d photos (JPEG, PNG, HEIC) and videos (MP4, MOV). Location and device "
        "data are removed from the copy the office sees."
    ) % {"max": max_files()}


class TipEvidenceField(forms.FileField):
    """Photos and videos for a tip, several at once: `<input type=file multiple
    accept="image/*,video/*">`. Cleans to the list of uploads (empty when none), each
    checked by content here so the form shows what is refused before anything is saved;
    the caller passes the list to `attach`."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Photos and videos (optional)"))
        kwargs.setdefault("help_text", lazy(_help_text, str)())
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        for upload in uploads:
            super().clean(upload, initial)
        check(uploads)
        return uploads
