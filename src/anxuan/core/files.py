"""Evidence files: type decided by content, hashed while streamed, stored by SHA-256 and
verified after the write. No business rules: callers decide what is allowed where."""

import contextlib
import hashlib
import io
import os
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import av
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image
from pillow_heif import register_heif_opener

register_heif_opener()
CHUNK = 1 << 20
NAME_MAX = 200  # StoredFile.original_name's max_length
VIDEO_PROBE_PACKETS = 100  # packets read for a first picture before a video is refused

PHOTO, VIDEO, DOCUMENT = "photo", "video", "document"
# ValidationError codes of inspect_upload that callers may tell apart (the API answers 415
# and 413 for them).
UNSUPPORTED_TYPE, TOO_LARGE = "unsupported_file_type", "file_too_large"
KIND_LABELS = {
    PHOTO: gettext_lazy("photo"),
    VIDEO: gettext_lazy("video"),
    DOCUMENT: gettext_lazy("document"),
}


@dataclass(frozen=True)
class Inspected:
    kind: str
    content_type: str
    extension: str
    sha256: str
    size: int
    width: int | None = None
    height: int | None = None


def clean_file_name(name: str) -> str:
    """The name to store and show for an uploaded file: without control characters and
    without invisible format characters (Unicode category Cf), whose direction overrides
    (U+202E …) make `clip\u202e4pm.bat` display as "cliptab.mp4"; at most 200 characters."""
    kept = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    return kept[:NAME_MAX] or "upload"


def _sniff(head: bytes, fileobj: IO[bytes]) -> tuple[str, str, str] | None:
    """(kind, content type, extension) from the first bytes, or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return PHOTO, "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PHOTO, "image/png", "png"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return PHOTO, "image/heic", "heic"
        if brand == b"qt  ":
            return VIDEO, "video/quicktime", "mov"
        if brand in (b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"3gp4"):
            return VIDEO, "video/mp4", "mp4"
    if head.startswith(b"%PDF-"):
        return DOCUMENT, "application/pdf", "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            fileobj.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return (
                DOCUMENT,
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                "docx",
            )
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return (
                DOCUMENT,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            )
    return None


def _hash(fileobj: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


@contextmanager
def open_photo(fileobj: IO[bytes]) -> Iterator[Image.Image]:
    """Pillow's image of `fileobj`, header read, nothing decoded yet. Raises
    Image.DecompressionBombError for more pixels than settings.MAX_IMAGE_PIXELS: the one
    bound of the upload check and of the thumbnail (CoreConfig gives it to Pillow too)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fileobj)
        except Image.DecompressionBombWarning as exc:
            raise Image.DecompressionBombError(str(exc)) from exc
    with image:
        width, height = image.size
        if width * height > settings.MAX_IMAGE_PIXELS:
            raise Image.DecompressionBombError(f"{width} × {height} pixels")
        yield image


def _image_size(fileobj: IO[bytes], name: str) -> tuple[int, int]:
    """Open the image header only; refuse decompression bombs and broken images."""
    try:
        with open_photo(fileobj) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("“%(name)s” has too many pixels to be a photo; it is refused.") % {"name": name}
        ) from exc
    except Exception as exc:  # Pillow raises many types on damaged files
        raise ValidationError(
            _("“%(name)s” is damaged and cannot be opened as a picture.") % {"name": name}
        ) from exc
    finally:
        fileobj.seek(0)
    return width, height


def _video_size(fileobj: IO[bytes], name: str) -> tuple[int, int]:
    """Open the container with FFmpeg (PyAV) and decode the first picture of its video
    stream: an MP4 header followed by anything else is refused. Reads from the start only
    (at most VIDEO_PROBE_PACKETS packets), so a large video costs no more than a small one."""
    try:
        with av.open(fileobj, "r") as container:
            stream = container.streams.video[0]
            for count, packet in enumerate(container.demux(stream)):
                if frames := packet.decode():
                    return frames[0].width, frames[0].height
                if count >= VIDEO_PROBE_PACKETS:
                    break
    except Exception:  # noqa: S110 - FFmpeg reports damage in many ways; all mean the same
        pass
    finally:
        fileobj.seek(0)
    raise ValidationError(
        _("“%(name)s” is not a video that plays: no picture can be read from it.") % {"name": name},
        code=UNSUPPORTED_TYPE,
    )


def inspect_upload(fileobj: IO[bytes], name: str, sha256: str | None = None) -> Inspected:
    """Decide the file's type from its content, check its size for that type, hash it
    (unless `sha256` is given: the storage checked the bytes against it already)."""
    name = clean_file_name(name)
    fileobj.seek(0)
    head = fileobj.read(64)
    fileobj.seek(0)
    sniffed = _sniff(head, fileobj)
    if sniffed is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a photo (JPEG, PNG, HEIC), a video (MP4, MOV) or a document "
                "(PDF, DOCX, XLSX), whatever its name says."
            )
            % {"name": name},
            code=UNSUPPORTED_TYPE,
        )
    kind, content_type, extension = sniffed
    if sha256 is None:
        sha256, size = _hash(fileobj)
    else:
        size = fileobj.seek(0, io.SEEK_END)
        fileobj.seek(0)
    limit = settings.EVIDENCE_MAX_BYTES[kind]
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a %(kind)s may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "kind": KIND_LABELS[kind],
                "max": filesizeformat(limit),
            },
            code=TOO_LARGE,
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    width = height = None
    if kind == PHOTO:
        width, height = _image_size(fileobj, name)
    elif kind == VIDEO:
        width, height = _video_size(fileobj, name)
    return Inspected(kind, content_type, extension, sha256, size, width, height)


def storage_name(sha256: str, extension: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def mark_used(name: str) -> None:
    """Give a stored file that a new row is about to refer to a fresh modified time: the
    orphan sweep (core.sweep) reads it again just before deleting, and leaves young files."""
    # Object storage has no paths to touch: there a reuse in the very moment the sweep
    # deletes the same old orphan can still lose it (the row commits after the delete).
    with contextlib.suppress(NotImplementedError):
        os.utime(default_storage.path(name))


def store(fileobj: IO[bytes], inspected: Inspected) -> str:
    """Write the file under its hash (once: the same bytes are stored one time) and check
    what the storage holds hashes the same. Returns the storage name."""
    name = storage_name(inspected.sha256, inspected.extension)
    if default_storage.exists(name):
        mark_used(name)
    else:
        fileobj.seek(0)
        saved = default_storage.save(name, fileobj)
        if saved != name:  # another upload of the same bytes won the race
            default_storage.delete(saved)
    with default_storage.open(name, "rb") as stored:
        digest, _size = _hash(stored)
    if digest != inspected.sha256:
        default_storage.delete(name)
        raise OSError(f"stored file {name} does not match its SHA-256")
    return name


@dataclass(frozen=True)
class InStorage:
    """A checked file that is in storage already (a direct upload, core.direct)."""

    name: str


# A checked upload: the file, the name it came with, what inspect_upload found.
Upload = tuple[IO[bytes] | InStorage, str, Inspected]


def stored_fields(upload: Upload) -> dict[str, object]:
    """Store an upload (or move one in storage already) and return the StoredFile fields
    that describe it."""
    from anxuan.core.direct import adopt

    fileobj, name, inspected = upload
    if isinstance(fileobj, InStorage):
        stored = adopt(fileobj.name, inspected)
    else:
        stored = store(fileobj, inspected)
    return {
        "kind": inspected.kind,
        "content_type": inspected.content_type,
        "original_name": clean_file_name(name),
        "sha256": inspected.sha256,
        "storage_name": stored,
        "size": inspected.size,
        "width": inspected.width,
        "height": inspected.height,
    }
