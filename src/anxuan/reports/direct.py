"""Direct uploads of evidence (decision 0025): the phone announces a file (name, size,
SHA-256), sends its bytes straight to the object store with the presigned PUT it gets back,
then says so; the app checks what arrived by content, size and hash, and attaches it to the
draft. A file that never arrives expires with its row; one that arrives wrong is refused and
removed, and the draft is as it was."""

import re
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.core import direct
from anxuan.core.audit import record
from anxuan.core.files import InStorage, inspect_upload
from anxuan.orgs.models import Person
from anxuan.reports.models import Attachment, DirectUpload, Submission
from anxuan.reports.resumable import announced
from anxuan.reports.services import StateConflict, attach_files

SIGNED_SECONDS = 3600  # how long the PUT's signature holds
KEEP = timedelta(hours=6)  # an upload never completed goes after this long
CONTENT_TYPE = "application/octet-stream"  # what the PUT is signed for; the type is checked
SHA256 = re.compile(r"[0-9a-f]{64}")


class NotEnabled(StateConflict):
    """The storage is a local disk: no address a phone could send to."""


@transaction.atomic
def start_direct(
    *, actor: Person, submission: Submission, filename: str, size: int, sha256: str
) -> tuple[DirectUpload, direct.Presigned]:
    """Announce a file for the draft; returns the upload and the PUT to send its bytes
    with. Side effects: audit row."""
    if not direct.enabled():
        raise NotEnabled(
            _("This server keeps files on its own disk: send them as plain or resumable uploads.")
        )
    filename = announced(actor=actor, submission=submission, filename=filename, length=size)
    sha256 = sha256.strip().lower()
    if not SHA256.fullmatch(sha256):
        raise ValidationError({"sha256": _("Send the file's SHA-256 as 64 hexadecimal digits.")})
    upload = DirectUpload.objects.create(
        submission=submission,
        created_by=actor,
        filename=filename,
        size=size,
        sha256=sha256,
        expires_at=timezone.now() + KEEP,
    )
    put = direct.presign_put(
        upload.object_name,
        size=size,
        content_type=CONTENT_TYPE,
        seconds=SIGNED_SECONDS,
        sha256=sha256,
    )
    record(actor=actor, action="report.upload_start", target=submission, summary=filename)
    return upload, put


def get_direct_for(person: Person, pk: UUID | str) -> DirectUpload:
    """The person's own unexpired direct upload (finished or not); 404 for anything else."""
    upload = (
        DirectUpload.objects.filter(pk=pk, created_by=person, expires_at__gt=timezone.now())
        .select_related("submission", "attachment")
        .first()
    )
    if upload is None:
        raise Http404
    return upload


def complete_direct(*, actor: Person, upload: DirectUpload) -> Attachment:
    """Check the bytes that arrived and attach them (again the same attachment for a retry).
    Nothing arrived yet: a conflict, and the phone may send and say so again. Arrived wrong
    (another size or hash, not a type we take): refused, and the object and row removed."""
    with transaction.atomic():
        upload = DirectUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.attachment_id is not None:
            return Attachment.objects.get(pk=upload.attachment_id)
        name = upload.object_name
        found = direct.arrived(name)
        if found is None:
            raise StateConflict(
                _("“%(name)s” has not arrived in storage yet; send it, then say so again.")
                % {"name": upload.filename}
            )
        damaged = ValidationError(
            _(
                "“%(name)s” arrived as %(size)s with another SHA-256 than announced: "
                "it was damaged on the way; send it again."
            )
            % {"name": upload.filename, "size": filesizeformat(found.size)}
        )
        try:
            if found.size != upload.size or found.sha256 not in (None, upload.sha256):
                raise damaged
            with direct.open_arrived(name, found) as arrived:
                inspected = inspect_upload(arrived, upload.filename, found.sha256)
            if inspected.sha256 != upload.sha256:
                raise damaged
        except ValidationError as exc:
            refused = exc
        else:
            [attachment] = attach_files(
                actor=actor,
                submission=upload.submission,
                uploads=[(InStorage(name), upload.filename, inspected)],
            )
            upload.attachment = attachment
            upload.save(update_fields=["attachment"])
            return attachment
    _discard(upload)  # after the transaction, so that the removal is not rolled back
    raise refused


def _discard(upload: DirectUpload) -> None:
    """Remove a refused or expired upload's object and row (the row in the caller's
    transaction; storage has none, so the object goes first either way)."""
    default_storage.delete(upload.object_name)
    DirectUpload.objects.filter(pk=upload.pk).delete()


def remove_expired_direct(*, now: datetime | None = None) -> int:
    """Direct uploads never completed, past their time, with whatever they sent."""
    now = now or timezone.now()
    expired = list(DirectUpload.objects.filter(attachment__isnull=True, expires_at__lte=now))
    for upload in expired:
        _discard(upload)
    return len(expired)
