"""Background work on evidence files. Tasks take ids and are safe to run twice."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from PIL import ExifTags, Image, ImageOps

THUMB_SIZE = (480, 480)
EXIF_DATETIME_ORIGINAL = 0x9003


def _taken_at(image: Image.Image):
    exif = image.getexif()
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(EXIF_DATETIME_ORIGINAL) or exif.get(0x0132)
    if not raw:
        return None
    try:
        naive = timezone.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive)  # phones write local time: Asia/Shanghai


@db_task()
def process_attachment(attachment_id: int) -> None:
    """Thumbnail and EXIF taken-at time of a photo."""
    from anxuan.reports.models import Attachment

    attachment = Attachment.objects.filter(pk=attachment_id, kind="photo").first()
    if attachment is None or attachment.thumbnail:
        return
    with default_storage.open(attachment.storage_name, "rb") as stored, Image.open(stored) as image:
        image.draft("RGB", THUMB_SIZE)  # JPEG decodes at a reduced size: cheap on big photos
        taken_at = _taken_at(image)
        thumb = ImageOps.exif_transpose(image).convert("RGB")
        thumb.thumbnail(THUMB_SIZE)
        buffer = io.BytesIO()
        thumb.save(buffer, "JPEG", quality=80)
    name = f"thumbs/{attachment.sha256[:2]}/{attachment.sha256}.jpg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(buffer.getvalue()))
    Attachment.objects.filter(pk=attachment.pk).update(thumbnail=name, taken_at=taken_at)


@db_periodic_task(crontab(minute="*/10"))
def send_reminders() -> None:
    """Reminders before deadlines and after missed ones; each goes out once."""
    from anxuan.reports.reminders import send_due_reminders

    send_due_reminders()


@db_task()
def notify_returned(submission_id: int) -> None:
    from anxuan.reports import reminders
    from anxuan.reports.enums import State
    from anxuan.reports.models import Submission

    submission = Submission.objects.filter(pk=submission_id, state=State.RETURNED).first()
    review = submission and submission.reviews.order_by("-at", "-id").first()
    if review is not None:
        reminders.notify_returned(submission, review.reason)


@db_periodic_task(crontab(minute="41", hour="*/6"))
def remove_expired_uploads() -> None:
    """Unfinished resumable uploads past their expiry, with their partial files."""
    from anxuan.reports.resumable import remove_expired

    remove_expired()
