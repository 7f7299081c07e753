"""Work done on a stored file after upload: a photo's thumbnail and EXIF taken-at time, then
whatever other apps registered (an integrity app's fingerprints, say). Run by the worker
through core.tasks.process_stored_file; every step is safe to run twice."""

import io
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps

# core.files also registers the HEIC opener with Pillow.
from anxuan.core.files import PHOTO, mark_used, open_photo
from anxuan.core.models import StoredFile

log = logging.getLogger(__name__)

THUMB_SIZE = (480, 480)
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME = 0x0132

Processor = Callable[[StoredFile], None]
_processors: dict[str, Processor] = {}


def register(name: str, processor: Processor) -> None:
    """Have `processor` run on every stored file after its thumbnail, in registration order.
    Call it from an AppConfig.ready(); the same name registers once. A processor gets the
    fresh row of any StoredFile subclass, must be safe to run twice and should check
    `kind` itself."""
    _processors.setdefault(name, processor)


def unregister(name: str) -> None:
    _processors.pop(name, None)


def processors() -> list[Processor]:
    return list(_processors.values())


def exif_taken_at(image: Image.Image) -> datetime | None:
    exif = image.getexif()
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    if not raw:
        return None
    try:
        # Phones write local time without a zone: made aware (Asia/Shanghai) below.
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    return timezone.make_aware(naive)


def thumbnail_name(sha256: str) -> str:
    return f"thumbs/{sha256[:2]}/{sha256}.jpg"


def make_thumbnail(stored: StoredFile) -> bool:
    """Thumbnail and EXIF taken-at time of a photo, saved on its row (and on `stored`).
    False, changing nothing, for other kinds, for a photo that has its thumbnail and for one
    with more pixels than the upload check allows (stored before the bound was lowered, say):
    it is logged and left without a thumbnail, so the task ends instead of failing again."""
    if stored.kind != PHOTO or stored.thumbnail:
        return False
    try:
        with default_storage.open(stored.storage_name, "rb") as file:
            jpeg, taken_at = render_thumbnail(file)
    except Image.DecompressionBombError:
        log.warning("no thumbnail for %s: more pixels than MAX_IMAGE_PIXELS", stored.storage_name)
        return False
    name = thumbnail_name(stored.sha256)
    if default_storage.exists(name):  # the same bytes have one thumbnail
        mark_used(name)
    else:
        default_storage.save(name, ContentFile(jpeg))
    type(stored)._default_manager.filter(pk=stored.pk).update(thumbnail=name, taken_at=taken_at)
    stored.thumbnail, stored.taken_at = name, taken_at
    return True


def render_thumbnail(file: IO[bytes]) -> tuple[bytes, datetime | None]:
    """The JPEG thumbnail of a photo and its EXIF taken-at time. Memory stays near one byte
    per pixel for grey, bilevel and palette images and four for colour ones: the picture is
    shrunk as it was decoded (JPEG decodes at a reduced size) before anything is converted
    or turned. Raises Image.DecompressionBombError above the upload check's pixel bound."""
    with open_photo(file) as image:
        image.draft("RGB", THUMB_SIZE)
        taken_at = exif_taken_at(image)
        if image.mode in ("1", "P"):  # shrunk by nearest neighbour: to 4× first, smooth after
            image.thumbnail((THUMB_SIZE[0] * 4, THUMB_SIZE[1] * 4))
        else:
            image.thumbnail(THUMB_SIZE)
        thumb = ImageOps.exif_transpose(image).convert("RGB")
    thumb.thumbnail(THUMB_SIZE)
    buffer = io.BytesIO()
    thumb.save(buffer, "JPEG", quality=80)
    return buffer.getvalue(), taken_at


def stored_file_model(label: str) -> type[StoredFile]:
    """The StoredFile subclass named by its label ("reports.Attachment")."""
    model = apps.get_model(label)
    if not issubclass(model, StoredFile):
        raise LookupError(f"{label} is not a stored file model")
    return model


def process(stored: StoredFile) -> None:
    """The thumbnail, then each registered processor."""
    make_thumbnail(stored)
    for processor in processors():
        processor(stored)


def process_by_label(label: str, pk: int | str) -> bool:
    """Process the row `pk` of the model `label`, counting the attempt first and noting when
    it finished; False when there is no such row."""
    rows = stored_file_model(label)._default_manager.filter(pk=pk)
    rows.update(process_attempts=F("process_attempts") + 1, queued_at=timezone.now())
    stored = rows.first()
    if stored is None:
        return False
    process(stored)
    rows.update(processed_at=timezone.now())
    return True


def stored_file_models() -> list[type[StoredFile]]:
    """Every concrete StoredFile subclass of the installed apps (reports.Attachment …)."""
    return [model for model in apps.get_models() if issubclass(model, StoredFile)]


def claim_unprocessed(now: datetime) -> list[tuple[str, int]]:
    """(label, pk) of the stored files whose processing was queued longer ago than
    STORED_FILE_RETRY_MINUTES and never finished (the worker died, or its task was lost),
    with fewer than JOB_MAX_ATTEMPTS runs started. Each is claimed for queueing again by
    moving its `queued_at` to `now`, so of two sweepers only one queues it."""
    cutoff = now - timedelta(minutes=settings.STORED_FILE_RETRY_MINUTES)
    claimed = []
    for model in stored_file_models():
        rows = model._default_manager.filter(
            processed_at=None, queued_at__lt=cutoff, process_attempts__lt=settings.JOB_MAX_ATTEMPTS
        )
        for pk, queued_at in rows.values_list("pk", "queued_at"):
            if model._default_manager.filter(pk=pk, queued_at=queued_at).update(queued_at=now):
                claimed.append((model._meta.label, pk))
    return claimed
