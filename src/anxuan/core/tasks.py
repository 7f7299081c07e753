"""Background work every app may queue. Tasks take ids and are safe to run twice."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxuan.core import processing, sweep


@db_task()  # type: ignore[untyped-decorator]  # huey has no type hints
def process_stored_file(label: str, pk: int | str) -> None:
    """Thumbnail and EXIF of a photo, then the registered processors (core.processing), for
    the row `pk` of the stored-file model `label` (e.g. "reports.Attachment")."""
    processing.process_by_label(label, pk)


@db_periodic_task(crontab(minute="23", hour="*/6"))  # type: ignore[untyped-decorator]
def sweep_orphans() -> None:
    """Files in storage that no row refers to and temporary upload files of killed
    requests, older than ORPHAN_MIN_AGE_HOURS (core.sweep)."""
    sweep.sweep_storage()
    sweep.sweep_temporary_uploads()


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def requeue_unprocessed_files() -> None:
    """Stored files whose processing a dead worker left unfinished are queued again."""
    for label, pk in processing.claim_unprocessed(timezone.now()):
        process_stored_file(label, pk)
