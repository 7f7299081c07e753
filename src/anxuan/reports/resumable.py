"""Resumable uploads (the tus 1.0 protocol's core): a large video from a phone arrives in
pieces, and a dropped connection resumes from the last byte received instead of from zero.

Nothing lives on one node (decision 0025): the bytes wait in storage (the local disk of a
one-machine install, the object store of a cluster) as pieces of PROGRESS_EVERY bytes, one
object each, named by the offset they start at; the database keeps the confirmed offset,
recorded after each piece is stored, and a lease on the upload's row so that two requests,
on any nodes, never write at once. A request killed mid-piece loses that piece only: the
offset says where to resume, and pieces stored beyond it are removed before the next write.
When the last byte is in, the pieces are joined, checked by content and attached.
"""

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID, uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
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


PROGRESS_EVERY = 4 * CHUNK  # bytes a piece holds: between two recorded offsets
LEASE = timedelta(seconds=60)  # a writer silent this long (its node died) loses the upload
PIECES = "partial-uploads"


class OffsetMismatch(StateConflict):
    """The client's Upload-Offset is not where the server stands (tus answers 409)."""


def _folder(upload_id: UUID | str) -> str:
    return f"{PIECES}/{upload_id}"


def _pieces(upload_id: UUID | str) -> list[tuple[int, str]]:
    """(start offset, storage name) of the upload's stored pieces, in order."""
    try:
        _dirs, names = default_storage.listdir(_folder(upload_id))
    except FileNotFoundError:  # a local disk's folder not made yet
        return []
    found = [(int(name), f"{_folder(upload_id)}/{name}") for name in names if name.isdigit()]
    return sorted(found)


def max_length() -> int:
    return max(settings.EVIDENCE_MAX_BYTES.values())


def announced(*, actor: Person, submission: Submission, filename: str, length: int) -> str:
    """Check a file announced before its bytes (resumable and direct uploads): the person may
    add to the draft, and `length` is one that some kind of evidence may have. Returns the
    cleaned file name."""
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
    return filename


@transaction.atomic
def start_upload(
    *, actor: Person, submission: Submission, filename: str, length: int
) -> ResumableUpload:
    """Announce a file of `length` bytes for the draft. Side effects: audit row."""
    filename = announced(actor=actor, submission=submission, filename=filename, length=length)
    upload = ResumableUpload(
        submission=submission,
        created_by=actor,
        filename=filename,
        length=length,
        expires_at=timezone.now() + timedelta(hours=settings.RESUMABLE_UPLOAD_HOURS),
    )
    upload.full_clean()
    upload.save()
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
    bytes are stored as a piece and their offset recorded while the request still reads, so
    a HEAD tells a resuming phone the truth even when the dropped request hangs on its
    socket or its node is killed. When the last byte is in, the file is checked by content
    and attached to the draft (`upload.attachment`)."""
    with _lease(upload) as writer:
        upload.refresh_from_db(fields=["offset", "attachment"])
        if upload.attachment_id:
            raise StateConflict(_("This file has already arrived in full."))
        if offset != upload.offset:
            raise OffsetMismatch(
                _("The upload stands at byte %(at)s, not %(offset)s.")
                % {"at": upload.offset, "offset": offset}
            )
        for start, name in _pieces(upload.pk):
            if start >= upload.offset:  # stored by a request killed before it recorded it
                default_storage.delete(name)
        piece = bytearray()
        written = upload.offset
        try:
            while written < upload.length and (
                chunk := stream.read(min(CHUNK, upload.length - written))
            ):
                piece += chunk
                written += len(chunk)
                if len(piece) >= PROGRESS_EVERY:
                    _keep(upload, writer, piece)
                else:
                    _renew(upload, writer)
        except OSError:
            pass  # the client went away: what arrived is kept, the rest comes with a resume
        _keep(upload, writer, piece)
        if upload.offset == upload.length:
            _finish(actor, upload)
    return upload


@contextlib.contextmanager
def _lease(upload: ResumableUpload) -> Iterator[UUID]:
    """Hold the upload's row for one writer: taken when free or when the holder went silent
    for LEASE (its node died), renewed as bytes arrive, given back at the end."""
    writer = uuid4()
    now = timezone.now()
    taken = (
        ResumableUpload.objects.filter(pk=upload.pk)
        .filter(Q(writer__isnull=True) | Q(writing_until__lt=now))
        .update(writer=writer, writing_until=now + LEASE)
    )
    if not taken:
        raise StateConflict(_("Another request is sending this file right now."))
    try:
        yield writer
    finally:
        ResumableUpload.objects.filter(pk=upload.pk, writer=writer).update(
            writer=None, writing_until=None
        )


def _renew(upload: ResumableUpload, writer: UUID, **fields: object) -> None:
    """Extend the lease (and record `fields`); a writer that lost it stops here."""
    renewed = ResumableUpload.objects.filter(pk=upload.pk, writer=writer).update(
        writing_until=timezone.now() + LEASE, **fields
    )
    if not renewed:
        raise StateConflict(_("Another request is sending this file right now."))


def _keep(upload: ResumableUpload, writer: UUID, piece: bytearray) -> None:
    """Store the bytes read since the last piece as a piece of their own, then record the
    offset (committed at once: no request transaction is open), so the database never
    claims bytes that storage does not hold."""
    if not piece:
        return
    name = f"{_folder(upload.pk)}/{upload.offset:012d}"
    saved = default_storage.save(name, ContentFile(bytes(piece)))
    if saved != name:  # a name taken means a second writer: ours must not count
        default_storage.delete(saved)
        raise StateConflict(_("Another request is sending this file right now."))
    offset = upload.offset + len(piece)
    _renew(upload, writer, offset=offset)
    upload.offset = offset
    piece.clear()


def _finish(actor: Person, upload: ResumableUpload) -> None:
    """Join the pieces, check the whole file by content and attach it. A file refused by
    the check is of no further use: its pieces and row go, and the refusal is raised."""
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as whole:
        for start, name in _pieces(upload.pk):
            if start != whole.tell():
                break
            with default_storage.open(name, "rb") as piece:
                while chunk := piece.read(CHUNK):
                    whole.write(chunk)
        if whole.tell() != upload.length:  # a piece lost in storage: start again
            _remove_pieces(upload.pk)
            ResumableUpload.objects.filter(pk=upload.pk).update(offset=0)
            upload.offset = 0
            raise OffsetMismatch(
                _("Part of the file was lost on the server; please send it again from the start.")
            )
        try:
            inspected = inspect_upload(whole, upload.filename)
        except ValidationError:
            _remove_pieces(upload.pk)
            upload.delete()
            raise
        [attachment] = attach_files(
            actor=actor,
            submission=upload.submission,
            uploads=[(whole, upload.filename, inspected)],
        )
    upload.attachment = attachment
    upload.save(update_fields=["attachment"])
    _remove_pieces(upload.pk)


def _remove_pieces(upload_id: UUID | str) -> None:
    for _start, name in _pieces(upload_id):
        default_storage.delete(name)


def remove_expired(*, now: datetime | None = None) -> int:
    """Delete unfinished uploads past their expiry and their pieces, then pieces that no
    unfinished upload owns any more (left by a crash between a row's change and its
    pieces') once ORPHAN_MIN_AGE_HOURS old. Returns how many uploads expired."""
    now = now or timezone.now()
    expired = list(ResumableUpload.objects.filter(attachment__isnull=True, expires_at__lte=now))
    for upload in expired:
        _remove_pieces(upload.pk)
    ResumableUpload.objects.filter(pk__in=[u.pk for u in expired]).delete()
    live = {
        str(pk)
        for pk in ResumableUpload.objects.filter(attachment__isnull=True).values_list(
            "pk", flat=True
        )
    }
    cutoff = now - timedelta(hours=settings.ORPHAN_MIN_AGE_HOURS)
    try:
        folders, _files = default_storage.listdir(PIECES)
    except FileNotFoundError:
        return len(expired)
    for folder in folders:
        if folder in live:
            continue
        for _start, name in _pieces(folder):
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                if default_storage.get_modified_time(name) < cutoff:
                    default_storage.delete(name)
    return len(expired)
