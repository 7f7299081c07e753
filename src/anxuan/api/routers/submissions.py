"""Reports: drafts, submit, review and the versions handed in."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from anxuan.api import drafts
from anxuan.api.errors import ApiError
from anxuan.api.idempotency import IDEMPOTENT, as_json, once
from anxuan.api.pagination import Page, PageParams, paginate
from anxuan.api.schemas import (
    DraftIn,
    NewDraftIn,
    ReturnIn,
    SubmissionDetailOut,
    SubmissionOut,
    SubmittedOut,
    VersionOut,
)
from anxuan.campaigns.models import Period, Requirement
from anxuan.campaigns.selectors import get_participant_for
from anxuan.reports import selectors, services
from anxuan.reports.enums import State
from anxuan.reports.models import Submission

router = Router(tags=["submissions"])
NOTHING_GIVEN = gettext_lazy(
    "Give at least one of text, activities, values and important: nothing was changed."
)


class SubmissionFilters(Schema):
    campaign: int | None = None
    requirement: int | None = None
    period: int | None = None
    participant: int | None = None
    unit: int | None = Field(None, description="the participating organisation")
    state: State | None = None


def reported(request: HttpRequest, submission_id: int) -> Submission:
    """A report the caller sees (404 otherwise) and may write (403 otherwise)."""
    return selectors.get_submission_for(request.user, submission_id, perm="reports.report")


def _detail(request: HttpRequest, submission: Submission) -> dict:
    fresh = selectors.get_submission_for(request.user, submission.pk)
    return as_json(SubmissionDetailOut, fresh, request)


@router.get("/submissions", response=Page[SubmissionOut])
def list_submissions(
    request: HttpRequest, filters: Query[SubmissionFilters], page: Query[PageParams]
):
    """Reports of the caller's own units, of units below their office, and of the campaigns
    they review; the newest first."""
    submissions = selectors.submissions_visible_to(request.user)
    for name, field in (
        ("campaign", "requirement__campaign_id"),
        ("requirement", "requirement_id"),
        ("period", "period_id"),
        ("participant", "participant_id"),
        ("unit", "participant__organization_id"),
        ("state", "state"),
    ):
        if getattr(filters, name):
            submissions = submissions.filter(**{field: getattr(filters, name)})
    return paginate(submissions, page, order="-pk")


@router.post(
    "/submissions",
    response={200: SubmissionDetailOut, 201: SubmissionDetailOut},
    openapi_extra=IDEMPOTENT,
)
def create_submission(request: HttpRequest, payload: NewDraftIn):
    """Start (201) or update (200) the draft of a unit's report for a period, or start an
    ad-hoc item of a requirement without periods."""
    participant = get_participant_for(
        request.user, None, payload.participant_id, perm="campaigns.register_liaison"
    )
    campaign = participant.campaign
    period = None
    if payload.period_id is not None:
        period = get_object_or_404(
            Period.objects.select_related("requirement"),
            pk=payload.period_id,
            requirement__campaign=campaign,
        )
        requirement = period.requirement
    else:
        requirement = get_object_or_404(
            Requirement, pk=payload.requirement_id or 0, campaign=campaign
        )
    draft = drafts.draft_of(payload)

    def act() -> tuple[int, dict]:
        existing = selectors.find_submission(participant, period) if period else None
        with drafts.request_names():
            submission = services.save_draft(
                actor=request.user,
                participant=participant,
                requirement=requirement,
                period=period,
                draft=draft,
                submission=existing,
            )
        return (200 if existing else 201), _detail(request, submission)

    return once(request, payload.model_dump(mode="json"), act)


@router.get("/submissions/{submission_id}", response=SubmissionDetailOut)
def get_submission(request: HttpRequest, submission_id: int):
    return selectors.get_submission_for(request.user, submission_id)


@router.put("/submissions/{submission_id}/draft", response=SubmissionDetailOut)
def update_draft(request: HttpRequest, submission_id: int, payload: DraftIn):
    """Replace the draft (text, activities, values) of a report not yet submitted or sent
    back; what the body leaves out is emptied. A body with none of these fields (`{}`) is
    refused and changes nothing: send `{"text": ""}` to empty a draft."""
    if not payload.model_fields_set:
        raise ApiError(400, "invalid", NOTHING_GIVEN)
    submission = reported(request, submission_id)
    with drafts.request_names():
        services.save_draft(
            actor=request.user,
            participant=submission.participant,
            requirement=submission.requirement,
            period=submission.period,
            draft=drafts.draft_of(payload),
            submission=submission,
        )
    return selectors.get_submission_for(request.user, submission.pk)


@router.post("/submissions/{submission_id}/submit", response=SubmittedOut, openapi_extra=IDEMPOTENT)
def submit(request: HttpRequest, submission_id: int):
    """Freeze the draft into a new version and hand it to the office. Submitting an
    unchanged draft again returns the same version."""
    submission = reported(request, submission_id)

    def act() -> tuple[int, dict]:
        version = services.submit_report(actor=request.user, submission=submission)
        fresh = selectors.get_submission_for(request.user, submission.pk)
        return 200, as_json(SubmittedOut, {"submission": fresh, "version": version}, request)

    return once(request, None, act)


@router.post("/submissions/{submission_id}/return", response=SubmissionOut)
def return_submission(request: HttpRequest, submission_id: int, payload: ReturnIn):
    """Send the report back to the unit with a reason."""
    submission = selectors.get_submission_for(request.user, submission_id, perm="reports.review")
    services.return_submission(actor=request.user, submission=submission, reason=payload.reason)
    return selectors.get_submission_for(request.user, submission.pk)


@router.post("/submissions/{submission_id}/accept", response=SubmissionOut)
def accept_submission(request: HttpRequest, submission_id: int):
    submission = selectors.get_submission_for(request.user, submission_id, perm="reports.review")
    services.accept_submission(actor=request.user, submission=submission)
    return selectors.get_submission_for(request.user, submission.pk)


@router.get("/submissions/{submission_id}/versions", response=Page[VersionOut])
def list_versions(request: HttpRequest, submission_id: int, page: Query[PageParams]):
    """What was handed in at each submit, the first first. Versions never change."""
    submission = selectors.get_submission_for(request.user, submission_id)
    versions = submission.versions.select_related("submitted_by").prefetch_related(
        "activities", "values__indicator", "attachments"
    )
    return paginate(versions, page, order="number")
