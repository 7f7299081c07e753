"""Resumable uploads with the tus 1.0 protocol (core, creation and expiration extensions):
a 500 MB video from a phone goes up in pieces and, after a dropped connection, continues
from the last byte the server has instead of from zero.

    POST  /submissions/{id}/uploads   Upload-Length, Upload-Metadata: filename <base64>
          → 201, Location: /api/v1/uploads/{uuid}
    HEAD  /uploads/{uuid}             → Upload-Offset (where to go on from)
    PATCH /uploads/{uuid}             Upload-Offset, application/offset+octet-stream
          → 204, Upload-Offset; with the last byte, Anxuan-Attachment: the new file's id

The file is checked by content when complete, like any upload (413, 415).

Direct uploads, where the files live in an object store (decision 0025): the bytes go from
the phone to the store, not through the app.

    POST /submissions/{id}/direct-uploads   {"filename", "size", "sha256"}
         → 201 {"id", "method": "PUT", "url", "headers", "expires_at", "complete"}
    PUT  <url> with exactly those headers and the file's bytes (to the object store)
    POST /direct-uploads/{uuid}/complete    → 201 the attachment (again for a retry);
         409 before the bytes arrived; 400/413/415 when they arrived wrong (then removed)"""

import base64
import binascii
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from anxuan.api.errors import ApiError, file_error
from anxuan.api.idempotency import IDEMPOTENT, once
from anxuan.api.routers.submissions import reported
from anxuan.api.schemas import AttachmentOut
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.reports import direct, resumable
from anxuan.reports.models import ResumableUpload
from anxuan.reports.services import StateConflict

router = Router(tags=["uploads"])
TUS_VERSION = "1.0.0"
CHUNK_TYPE = "application/offset+octet-stream"

TUS_REQUEST = {
    "parameters": [
        {
            "in": "header",
            "name": "Tus-Resumable",
            "required": True,
            "schema": {"type": "string", "enum": [TUS_VERSION]},
        }
    ]
}


def _tus(status: int, upload: ResumableUpload | None = None, **headers: str) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    if upload is not None:
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Length"] = str(upload.length)
        response["Upload-Expires"] = http_date(upload.expires_at.timestamp())
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _header_int(request: HttpRequest, name: str) -> int:
    value = request.headers.get(name, "")
    if not (value.isascii() and value.isdigit()):
        message = gettext("Send the %(header)s header as a whole number of bytes.") % {
            "header": name
        }
        raise ApiError(400, "invalid", message, fields={name: [message]})
    return int(value)


def _require_tus(request: HttpRequest) -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(
            412,
            "tus_version",
            gettext("Send the header Tus-Resumable: 1.0.0."),
            headers={"Tus-Version": TUS_VERSION},
        )


def _filename(metadata: str) -> str:
    """The filename pair of Upload-Metadata ("key base64value, …")."""
    for pair in metadata.split(","):
        key, _, value = pair.strip().partition(" ")
        if key == "filename":
            try:
                return base64.b64decode(value, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                break
    return "upload"


@router.api_operation(["OPTIONS"], "/uploads", response={204: None})
def tus_capabilities(request: HttpRequest):
    """What this tus server supports."""
    return _tus(
        204,
        Tus_Version=TUS_VERSION,
        Tus_Extension="creation,expiration",
        Tus_Max_Size=str(resumable.max_length()),
    )


@router.post(
    "/submissions/{submission_id}/uploads", response={201: None}, openapi_extra=TUS_REQUEST
)
def create_upload(request: AuthenticatedHttpRequest, submission_id: int):
    """Announce a file for the draft: its length (Upload-Length) and name (Upload-Metadata
    `filename <base64>`). The answer's Location is where its bytes go."""
    _require_tus(request)
    submission = reported(request, submission_id)
    length = _header_int(request, "Upload-Length")
    name = _filename(request.headers.get("Upload-Metadata", ""))
    try:
        upload = resumable.start_upload(
            actor=request.user, submission=submission, filename=name, length=length
        )
    except StateConflict:
        raise
    except ValidationError as exc:
        raise file_error(exc.code, exc.messages) from None
    return _tus(201, upload, Location=reverse("api-v1:upload", args=[upload.pk]))


@router.api_operation(["HEAD"], "/uploads/{upload_id}", url_name="upload", response={200: None})
def upload_offset(request: AuthenticatedHttpRequest, upload_id: UUID):
    """How many bytes of the upload the server has (Upload-Offset)."""
    return _tus(200, resumable.get_upload_for(request.user, upload_id))


@router.patch("/uploads/{upload_id}", response={204: None}, openapi_extra=TUS_REQUEST)
def upload_chunk(request: AuthenticatedHttpRequest, upload_id: UUID):
    """Append bytes at Upload-Offset. A body cut off by a lost connection keeps what arrived;
    with the last byte the file is checked and attached (Anxuan-Attachment: its id)."""
    _require_tus(request)
    upload = resumable.get_upload_for(request.user, upload_id)
    if request.content_type != CHUNK_TYPE:
        raise ApiError(
            415,
            "unsupported_media_type",
            gettext("Send the bytes as %(type)s.") % {"type": CHUNK_TYPE},
        )
    offset = _header_int(request, "Upload-Offset")
    try:
        upload = resumable.append(actor=request.user, upload=upload, offset=offset, stream=request)
    except resumable.OffsetMismatch as exc:
        raise ApiError(409, "offset_mismatch", exc.messages[0]) from None
    except StateConflict:
        raise
    except ValidationError as exc:
        raise file_error(exc.code, exc.messages) from None
    if upload.attachment_id:
        return _tus(204, upload, Anxuan_Attachment=str(upload.attachment_id))
    return _tus(204, upload)


class DirectUploadIn(Schema):
    filename: str = Field(..., max_length=200)
    size: int = Field(..., ge=1, description="bytes")
    sha256: str = Field(..., description="of the whole file, 64 hexadecimal digits")


class DirectUploadOut(Schema):
    id: UUID
    method: str = "PUT"
    url: str = Field(..., description="where to PUT the bytes: the object store, signed")
    headers: dict[str, str] = Field(..., description="to send with the PUT, exactly")
    expires_at: datetime
    complete: str = Field(..., description="POST here once the PUT has succeeded")


@router.post(
    "/submissions/{submission_id}/direct-uploads",
    response={201: DirectUploadOut},
    openapi_extra=IDEMPOTENT,
)
def create_direct_upload(
    request: AuthenticatedHttpRequest, submission_id: int, announced: DirectUploadIn
):
    """Announce a file for the draft and get a signed PUT to the object store for its bytes
    (409 where files are kept on the server's own disk: use the other two ways)."""
    submission = reported(request, submission_id)

    def act() -> tuple[int, dict]:
        try:
            upload, put = direct.start_direct(
                actor=request.user,
                submission=submission,
                filename=announced.filename,
                size=announced.size,
                sha256=announced.sha256,
            )
        except direct.NotEnabled as exc:
            raise ApiError(409, "direct_uploads_off", exc.messages[0]) from None
        except ValidationError as exc:
            if getattr(exc, "code", None):  # too large: 413, like the other uploads
                raise file_error(exc.code, exc.messages) from None
            raise
        return 201, {
            "id": str(upload.pk),
            "method": "PUT",
            "url": put.url,
            "headers": put.headers,
            "expires_at": upload.expires_at.isoformat(),
            "complete": reverse("api-v1:direct_upload_complete", args=[upload.pk]),
        }

    return once(request, announced.model_dump(), act)


@router.post(
    "/direct-uploads/{upload_id}/complete",
    response={201: AttachmentOut},
    url_name="direct_upload_complete",
)
def complete_direct_upload(request: AuthenticatedHttpRequest, upload_id: UUID):
    """The PUT succeeded: check the bytes (size, SHA-256, type by content) and attach them.
    A retry gets the same attachment."""
    upload = direct.get_direct_for(request.user, upload_id)
    try:
        attachment = direct.complete_direct(actor=request.user, upload=upload)
    except StateConflict:
        raise
    except ValidationError as exc:
        raise file_error(exc.code, exc.messages) from None
    return Status(201, attachment)
