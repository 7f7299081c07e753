"""Evidence files of a report: upload (type read from the content, size checked for that
type, once per Idempotency-Key), download for whoever may see the report, and taking a file
out of a draft."""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from anxuan.api.errors import ApiError, file_error, respond
from anxuan.api.idempotency import IDEMPOTENT, as_json, once
from anxuan.api.routers.submissions import reported
from anxuan.api.schemas import AttachmentOut
from anxuan.core.files import TOO_LARGE, inspect_upload
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.reports import selectors, services

router = Router(tags=["attachments"])
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the one file


def _refuse_larger_than_any_file(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 413 from the Content-Length alone, before the body is read to a temporary file,
    when the request is larger than the largest file of any kind."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        largest = max(settings.EVIDENCE_MAX_BYTES.values())
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > largest + MULTIPART_OVERHEAD:
            message = gettext("The file is larger than any file Anxuan accepts (%(max)s).") % {
                "max": filesizeformat(largest)
            }
            return respond(ApiError(413, TOO_LARGE, message))
        return run(request, *args, **kwargs)

    return wrapper


@router.post(
    "/submissions/{submission_id}/attachments",
    response={201: AttachmentOut},
    openapi_extra=IDEMPOTENT,
)
@decorate_view(_refuse_larger_than_any_file)
def upload_attachment(
    request: AuthenticatedHttpRequest, submission_id: int, file: File[UploadedFile]
):
    """Add a photo, video or document to the draft. Its type is read from its content (a
    renamed .exe is 415), its size checked for that type (413)."""
    submission = reported(request, submission_id)
    try:
        name = file.name or ""
        inspected = inspect_upload(file, name)
    except ValidationError as exc:
        raise file_error(exc.code, exc.messages) from None

    def act() -> tuple[int, dict]:
        (attachment,) = services.attach_files(
            actor=request.user, submission=submission, uploads=[(file, name, inspected)]
        )
        return 201, as_json(AttachmentOut, attachment, request)

    return once(request, [name, inspected.sha256], act)


class FileParams(Schema):
    thumbnail: bool = Field(False, description="the 480 px JPEG preview of a photo")


@router.get(
    "/attachments/{attachment_id}/file",
    url_name="attachment_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "the file (a photo inline, anything else as a download)",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def attachment_file(
    request: AuthenticatedHttpRequest, attachment_id: int, params: Query[FileParams]
):
    """The file, streamed, for whoever may see its report."""
    attachment = selectors.get_attachment_for(request.user, attachment_id)
    name = attachment.thumbnail if params.thumbnail else attachment.storage_name
    if not name:
        raise Http404
    if not params.thumbnail:
        services.record_download(actor=request.user, attachment=attachment)
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="image/jpeg" if params.thumbnail else attachment.content_type,
        as_attachment=not params.thumbnail and attachment.kind != "photo",
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response


@router.delete("/attachments/{attachment_id}", response={204: None})
def remove_attachment(request: AuthenticatedHttpRequest, attachment_id: int):
    """Take a file out of the draft; versions submitted with it keep it."""
    attachment = selectors.get_attachment_for(request.user, attachment_id, perm="reports.report")
    services.remove_attachment(actor=request.user, attachment=attachment)
    return Status(204, None)
