"""Resumable uploads (the tus 1.0 protocol's core): a large video from a phone arrives in
pieces, and a dropped connection resumes from the last byte received instead of from zero.

The bytes wait in a partial file per upload; a write holds an exclusive lock on that file,
so two requests never append at once, and the database keeps the confirmed offset,
recorded every few MB while a request reads (a partial file longer than it, left by a
killed request, is cut back before the next write).
"""

import contextlib
import fcntl
import os
from datetime import timedelta
from pathlib import Path
from typing import IO, Protocol
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.core.audit import record
from anxuan.core.files import CHUNK, TOO_LARGE, clean_file_name, inspect_upload
from anxuan.orgs.models import Person
from anxuan.reports.enums import EDITABLE
from anxuan.reports.models import ResumableUpload, Submission
from anxuan.reports.rules import can_report_for
from anxuan.reports.services import StateConflict, attach_files


class Readable(Protocol):
    """What a chunk is read from: a file, or the request itself (its body as it arrives)."""

    def read(self, n: int | None = -1, /) -> bytes: ...


PROGRESS_EVERY = 4 * CHUNK  # bytes between two recorded offsets of a request still reading


class OffsetMismatch(StateConflict):
    """The client's Upload-Offset is not where the server stands (tus answers 409)."""


def _path(upload: ResumableUpload) -> Path:
    return Path(settings.RESUMABLE_UPLOAD_DIR) / f"{upload.pk}.part"


def max_length() -> int:
    return max(settings.EVIDENCE_MAX_BYTES.values())


@transaction.atomic
def start_upload(
    *, actor: Person, submission: Submission, filename: str, length: int
) -> ResumableUpload:
    """Announce a file of `length` bytes for the draft. Side effects: an empty partial file,
    audit row."""
    filename = clean_file_name(filename)
    if not can_report_for(actor, submission):
        raise PermissionDenied
    if submission.state not in EDITABLE:
        raise StateConflict(_("This report was submitted and can no longer be edited."))
    if length <= 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": filename})
    if length > max_length():
        raise ValidationError(
            _("“%(name)s” is %(size)s; no evidence file may be larger than %(max)s.")
            % {
                "name": filename,
                "size": filesizeformat(length),
                "max": filesizeformat(max_length()),
            },
            code=TOO_LARGE,
        )
    upload = ResumableUpload(
        submission=submission,
        created_by=actor,
        filename=filename,
        length=length,
        expires_at=timezone.now() + timedelta(hours=settings.RESUMABLE_UPLOAD_HOURS),
    )
    upload.full_clean()
    upload.save()
    _path(upload).parent.mkdir(parents=True, exist_ok=True)
    _path(upload).touch()
    record(actor=actor, action="report.upload_start", target=submission, summary=upload.filename)
    return upload


def get_upload_for(person: Person, pk: UUID | str) -> ResumableUpload:
    """The person's own unfinished, unexpired upload; 404 for anything else."""
    upload = (
        ResumableUpload.objects.filter(
            pk=pk, created_by=person, attachment__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("submission")
        .first()
    )
    if upload is None:
        raise Http404
    return upload


def append(
    *, actor: Person, upload: ResumableUpload, offset: int, stream: Readable
) -> ResumableUpload:
    """Write the bytes of `stream` at `offset`, at most up to the announced length. A stream
    that breaks off (the phone lost its signal) keeps what arrived: every PROGRESS_EVERY
    bytes are synced to disk and their offset recorded while the request still reads, so
    a HEAD tells a resuming phone the truth even when the dropped request hangs on its
    socket or its process is killed. When the last byte is in, the file is checked by
    content and attached to the draft (`upload.attachment`)."""
    path = _path(upload)
    with open(path, "r+b") as target:
        try:
            fcntl.flock(target, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateConflict(_("Another request is sending this file right now.")) from None
        upload.refresh_from_db(fields=["offset", "attachment"])
        if upload.attachment_id:
            raise StateConflict(_("This file has already arrived in full."))
        if offset != upload.offset:
            raise OffsetMismatch(
                _("The upload stands at byte %(at)s, not %(offset)s.")
                % {"at": upload.offset, "offset": offset}
            )
        target.truncate(upload.offset)
        target.seek(upload.offset)
        written = upload.offset
        try:
            while written < upload.length and (
                chunk := stream.read(min(CHUNK, upload.length - written))
            ):
                target.write(chunk)
                written += len(chunk)
                if written - upload.offset >= PROGRESS_EVERY:
                    _keep(upload, target, written)
        except OSError:
            pass  # the client went away: what arrived is kept, the rest comes with a resume
        _keep(upload, target, written)
        if upload.offset == upload.length:
            _finish(actor, upload, path)
    return upload


def _keep(upload: ResumableUpload, target: IO[bytes], offset: int) -> None:
    """Sync the partial file to disk, then record `offset` (committed at once: no request
    transaction is open), so the database never claims bytes the disk may not have."""
    target.flush()
    os.fsync(target.fileno())
    ResumableUpload.objects.filter(pk=upload.pk).update(offset=offset)
    upload.offset = offset


def _finish(actor: Person, upload: ResumableUpload, path: Path) -> None:
    """Check the whole file by content and attach it. A file refused by the check is of no
    further use: its partial file and row go, and the refusal is raised."""
    with open(path, "rb") as whole:
        try:
            inspected = inspect_upload(whole, upload.filename)
        except ValidationError:
            path.unlink(missing_ok=True)
            upload.delete()
            raise
        [attachment] = attach_files(
            actor=actor,
            submission=upload.submission,
            uploads=[(whole, upload.filename, inspected)],
        )
    upload.attachment = attachment
    upload.save(update_fields=["attachment"])
    path.unlink(missing_ok=True)


def remove_expired(*, now=None) -> int:
    """Delete unfinished uploads past their expiry and their partial files, then partial
    files that no unfinished upload owns any more (left by a crash between a row's change
    and its file's) once ORPHAN_MIN_AGE_HOURS old. Returns how many uploads expired."""
    now = now or timezone.now()
    expired = list(ResumableUpload.objects.filter(attachment__isnull=True, expires_at__lte=now))
    for upload in expired:
        _path(upload).unlink(missing_ok=True)
    ResumableUpload.objects.filter(pk__in=[u.pk for u in expired]).delete()
    live = {
        str(pk)
        for pk in ResumableUpload.objects.filter(attachment__isnull=True).values_list(
            "pk", flat=True
        )
    }
    cutoff = (now - timedelta(hours=settings.ORPHAN_MIN_AGE_HOURS)).timestamp()
    for partial in Path(settings.RESUMABLE_UPLOAD_DIR).glob("*.part"):
        with contextlib.suppress(FileNotFoundError):  # finished meanwhile
            if partial.stem not in live and partial.stat().st_mtime < cutoff:
                partial.unlink()
    return len(expired)
