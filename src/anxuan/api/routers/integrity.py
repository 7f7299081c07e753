"""Integrity flags (formalism detection) through the API: the office lists a campaign's
flags and confirms or dismisses them; a unit lists its own and explains them, with new
evidence. The same rules, services and audit rows as the pages.

The other side of a match is shown in full only to someone with a role over its unit;
anyone else gets its year, its unit's level and a thumbnail served through the flag
(`/flags/{id}/photos/other`), never the unit, campaign, report or file ids."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.decorators import decorate_view

from anxuan.api.errors import file_error
from anxuan.api.idempotency import IDEMPOTENT, as_json, once
from anxuan.api.pagination import Page, PageParams, paginate
from anxuan.api.routers.attachments import _refuse_larger_than_any_file
from anxuan.api.schemas import ParticipantRef
from anxuan.campaigns.selectors import get_campaign_for
from anxuan.core.files import inspect_upload
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.integrity import selectors, services
from anxuan.integrity.enums import FlagKind, FlagState, Severity
from anxuan.integrity.models import Flag
from anxuan.integrity.selectors import Side
from anxuan.reports.services import Upload

router = Router(tags=["integrity"])


class SideOut(Schema):
    """What everyone who sees the flag sees of an item: its year, its unit's level and,
    for a photo, a thumbnail served through the flag."""

    full: Literal[False] = Field(description="false: only year, level and thumbnail")
    year: int | None
    level: str = Field(description="the level of the item's unit (县级, 乡镇…), in Chinese")
    thumbnail: str | None = Field(description="the JPEG preview's URL, for a photo")


class FullSideOut(Schema):
    """An item the caller has a role over: where it comes from, in full."""

    full: Literal[True]
    year: int | None
    level: str
    thumbnail: str | None
    unit: dict[str, Any] = Field(description="{id, name} of the item's unit")
    campaign: str
    period: str
    submitted_at: datetime | None
    submission_id: int
    version_number: int
    attachment_id: int | None


class ExplanationFileOut(Schema):
    name: str
    kind: str
    size: int


class ExplanationOut(Schema):
    id: int
    text: str
    author: str
    at: datetime
    files: list[ExplanationFileOut]


class FlagOut(Schema):
    id: int
    kind: FlagKind
    kind_label: str = Field(description="the kind in words, in the request's language")
    severity: Severity
    state: FlagState
    score: float = Field(description="bits apart (photos, videos) or estimated similarity")
    details: dict[str, Any]
    found_at: datetime
    campaign_id: int
    participant: ParticipantRef
    submission_id: int
    decided_at: datetime | None
    decision_reason: str
    this: FullSideOut | SideOut = Field(description="the flagged item")
    other: FullSideOut | SideOut | None = Field(
        description="the item it matches (a reused photo or a copied text); null otherwise"
    )


class FlagDetailOut(FlagOut):
    explanations: list[ExplanationOut]
    can_explain: bool
    can_decide: bool


class CampaignFlagFilters(Schema):
    kind: FlagKind | None = None
    state: FlagState | None = None
    severity: Severity | None = None
    participant: int | None = Field(None, description="one participating unit's flags")


class OwnFlagFilters(Schema):
    campaign: int | None = None
    state: FlagState | None = None


class ReasonIn(Schema):
    reason: str = Field(description="why: kept with the decision and audited")


def _thumbnail(flag: Flag, side: str, found: Side) -> str | None:
    if found.attachment is None or not found.attachment.thumbnail:
        return None
    return reverse("api-v1:flag_photo", args=[flag.pk, side])


def _side(flag: Flag, side: str, found: Side) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "full": False,
        "year": found.year,
        "level": str(found.level),
        "thumbnail": _thumbnail(flag, side, found),
    }
    if not found.full or found.unit is None or found.version is None:
        return shown  # another county's item: nothing that says whose it was
    return shown | {
        "full": True,
        "unit": {"id": found.unit.pk, "name": found.unit.name},
        "campaign": found.campaign,
        "period": found.period,
        "submitted_at": found.submitted_at,
        "submission_id": found.version.submission_id,
        "version_number": found.version.number,
        "attachment_id": found.attachment.pk if found.attachment is not None else None,
    }


def _has_other(flag: Flag) -> bool:
    return flag.other_version_id is not None or flag.other_attachment_id is not None


def _flag(request: AuthenticatedHttpRequest, flag: Flag) -> dict[str, Any]:
    person = request.user
    return {
        "id": flag.pk,
        "kind": flag.kind,
        "kind_label": flag.get_kind_display(),
        "severity": flag.severity,
        "state": flag.state,
        "score": flag.score,
        "details": flag.details,
        "found_at": flag.found_at,
        "campaign_id": flag.campaign_id,
        "participant": flag.participant,
        "submission_id": flag.submission_id,
        "decided_at": flag.decided_at,
        "decision_reason": flag.decision_reason,
        "this": _side(flag, "this", selectors.this_side(person, flag)),
        "other": (
            _side(flag, "other", selectors.other_side(person, flag)) if _has_other(flag) else None
        ),
    }


def _detail(request: AuthenticatedHttpRequest, flag: Flag) -> dict[str, Any]:
    flag = flag_for(request, flag.pk)
    explanations = flag.explanations.select_related("author").prefetch_related("files")
    return _flag(request, flag) | {
        "explanations": [
            {
                "id": e.pk,
                "text": e.text,
                "author": e.author.get_full_name() or e.author.get_username(),
                "at": e.at,
                "files": [
                    {"name": f.original_name, "kind": f.kind, "size": f.size} for f in e.files.all()
                ],
            }
            for e in explanations
        ],
        "can_explain": request.user.has_perm("integrity.explain", flag),
        "can_decide": request.user.has_perm("integrity.decide", flag),
    }


def flag_for(
    request: AuthenticatedHttpRequest, flag_id: int, perm: str = "integrity.view_flag"
) -> Flag:
    """A flag the caller may see (404 otherwise, as if it did not exist) and, for `perm`,
    may act on (403 otherwise)."""
    flag = (
        Flag.objects.select_related(
            "campaign__owner",
            "participant__organization",
            "submission__participant__organization",
            "submission__requirement",
            "submission__period",
        )
        .filter(pk=flag_id)
        .first()
    )
    if flag is None or not request.user.has_perm("integrity.view_flag", flag):
        raise Http404
    if perm != "integrity.view_flag" and not request.user.has_perm(perm, flag):
        raise PermissionDenied
    return flag


def _page(request: AuthenticatedHttpRequest, flags, page: PageParams) -> dict[str, Any]:
    found = paginate(flags, page, order="-found_at")
    return {"items": [_flag(request, f) for f in found["items"]], "next": found["next"]}


@router.get("/campaigns/{campaign_id}/flags", response=Page[FlagOut])
def campaign_flags(
    request: AuthenticatedHttpRequest,
    campaign_id: int,
    filters: Query[CampaignFlagFilters],
    page: Query[PageParams],
):
    """The campaign's flags, the newest first, for the organising office and its
    reviewers."""
    campaign = get_campaign_for(request.user, campaign_id, perm="integrity.oversee")
    flags = selectors.campaign_flags(
        campaign,
        kind=filters.kind or "",
        state=filters.state or "",
        severity=filters.severity or "",
        participant_id=filters.participant,
    )
    return _page(request, flags, page)


@router.get("/flags", response=Page[FlagOut])
def own_flags(
    request: AuthenticatedHttpRequest, filters: Query[OwnFlagFilters], page: Query[PageParams]
):
    """Flags on the reports of the caller's own units (a liaison's units, the units below
    the caller's office), the newest first."""
    flags = selectors.own_flags(request.user)
    if filters.campaign is not None:
        flags = flags.filter(campaign_id=filters.campaign)
    if filters.state:
        flags = flags.filter(state=filters.state)
    return _page(request, flags, page)


@router.get("/flags/{flag_id}", response=FlagDetailOut)
def get_flag(request: AuthenticatedHttpRequest, flag_id: int):
    """A flag with both items as the caller may see them, and the unit's explanations."""
    return _detail(request, flag_for(request, flag_id))


@router.get(
    "/flags/{flag_id}/photos/{side}",
    url_name="flag_photo",
    openapi_extra={
        "responses": {
            200: {
                "description": "the photo's 480 px JPEG preview",
                "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def flag_photo(request: AuthenticatedHttpRequest, flag_id: int, side: Literal["this", "other"]):
    """The thumbnail of either photo of a flag, for whoever may see the flag: the other
    side's only as a preview, whoever's it is (404 when there is none yet)."""
    flag = flag_for(request, flag_id)
    attachment = flag.attachment if side == "this" else flag.other_attachment
    if attachment is None or not attachment.thumbnail:
        raise Http404
    response = FileResponse(default_storage.open(attachment.thumbnail, "rb"))
    response["Content-Type"] = "image/jpeg"
    response["Cache-Control"] = "private, max-age=86400"
    return response


@router.post(
    "/flags/{flag_id}/explanations",
    response={201: FlagDetailOut},
    openapi_extra=IDEMPOTENT,
)
@decorate_view(_refuse_larger_than_any_file)
def explain(
    request: AuthenticatedHttpRequest,
    flag_id: int,
    text: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """The unit's explanation (申辩), with new evidence files (multipart `files`, at most
    9; each checked by its content like a report's attachments). The flag then waits for
    the office again (`explained`)."""
    flag = flag_for(request, flag_id)
    uploads: list[Upload] = []
    for i, upload in enumerate(files or []):
        name = upload.name or ""
        try:
            uploads.append((upload, name, inspect_upload(upload, name)))
        except ValidationError as exc:
            error = file_error(exc.code, exc.messages)
            error.fields = {f"files.{i}": exc.messages}
            raise error from None

    def act() -> tuple[int, dict]:
        services.explain(actor=request.user, flag=flag, text=text, uploads=uploads)
        return 201, as_json(FlagDetailOut, _detail(request, flag), request)

    return once(request, [text, [u[2].sha256 for u in uploads]], act)


def _decide(request: AuthenticatedHttpRequest, flag_id: int, reason: str, decide) -> dict[str, Any]:
    flag = flag_for(request, flag_id)
    decide(actor=request.user, flag=flag, reason=reason)
    return _detail(request, flag)


@router.post("/flags/{flag_id}/confirm", response=FlagDetailOut)
def confirm(request: AuthenticatedHttpRequest, flag_id: int, payload: ReasonIn):
    """The office finds it is formalism: it counts against the unit. A decision may be
    changed later with a new reason."""
    return _decide(request, flag_id, payload.reason, services.confirm)


@router.post("/flags/{flag_id}/dismiss", response=FlagDetailOut)
def dismiss(request: AuthenticatedHttpRequest, flag_id: int, payload: ReasonIn):
    """Not formalism: the pair never comes back."""
    return _decide(request, flag_id, payload.reason, services.dismiss)
