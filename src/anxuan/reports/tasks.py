"""Background work of reports: reminders, returned reports, expired uploads (evidence
files are processed by core.tasks). Tasks take ids and are safe to run twice."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxuan.core import processing


@db_task()
def process_attachment(attachment_id: int) -> None:
    """Thumbnail, EXIF taken-at time and registered processing of an attachment. New uploads
    queue core.tasks.process_stored_file; this name stays for jobs already queued."""
    processing.process_by_label("reports.Attachment", attachment_id)


@db_periodic_task(crontab(minute="*/10"))
def send_reminders() -> None:
    """Reminders before deadlines and after missed ones; each goes out once (and is tried
    again until delivered or given up)."""
    from anxuan.reports.deliveries import retry_stalled
    from anxuan.reports.reminders import send_due_reminders

    send_due_reminders()
    retry_stalled(timezone.now())


@db_task()
def deliver(delivery_id: int, attempt: int) -> None:
    """One try of an e-mail or group-robot message; a failed one is tried again later,
    through the queue, until reports.deliveries gives up."""
    from anxuan.reports.deliveries import try_delivery

    pause = try_delivery(delivery_id, attempt)
    if pause is not None:
        deliver.schedule((delivery_id, attempt + 1), delay=pause.total_seconds())


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
    """Unfinished resumable and direct uploads past their expiry, with their bytes."""
    from anxuan.reports.direct import remove_expired_direct
    from anxuan.reports.resumable import remove_expired

    remove_expired()
    remove_expired_direct()
