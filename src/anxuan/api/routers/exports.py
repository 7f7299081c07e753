"""Exports through the API: start one (the worker makes the file), poll its progress,
download the file. The same jobs, rules and files as the pages' exports."""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from anxuan.api.pagination import Page, PageParams, paginate
from anxuan.api.routers.oversight import overseen
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.exports import selectors, services
from anxuan.exports.enums import JobState
from anxuan.exports.exporters import EXPORTERS
from anxuan.exports.models import ExportJob
from anxuan.exports.views import file_response

router = Router(tags=["exports"])


class ExportIn(Schema):
    kind: Literal["statistics", "board", "summary", "evidence"]
    basis: Literal["accepted", "submitted"] = Field(
        "accepted", description="statistics: count accepted reports, or every submitted one"
    )
    requirement: int | None = Field(None, description="board: one requirement's periods only")
    only: Literal["missing", ""] = Field("", description="board: rows with a missing report")


class ExportOut(Schema):
    id: int
    campaign_id: int
    kind: str
    state: str = Field(description="queued, running, done, failed or expired")
    done: int
    total: int
    percent: int
    filename: str
    size: int | None
    created_at: datetime
    finished_at: datetime | None
    file: str | None = Field(description="the download's URL once the file is ready")
    attempts: int = Field(
        description="runs of the job started so far; more than one after a worker died"
    )
    interrupted: bool = Field(
        description="running, but its worker stopped showing life: it will be queued again"
    )

    @staticmethod
    def resolve_filename(job: ExportJob) -> str:
        return services.download_name(job)

    @staticmethod
    def resolve_interrupted(job: ExportJob) -> bool:
        return job.state == JobState.RUNNING and job.lease_expired(timezone.now())

    @staticmethod
    def resolve_file(job: ExportJob) -> str | None:
        if job.state != JobState.DONE:
            return None
        return reverse("api-v1:export_file", args=[job.pk])


@router.post("/campaigns/{campaign_id}/exports", response={202: ExportOut})
def start_export(request: AuthenticatedHttpRequest, campaign_id: int, payload: ExportIn):
    """Queue an export for the background worker (202); poll `/exports/{id}` for its
    progress. The same export still waiting for the caller is returned, not started twice
    (queued again first when its worker died)."""
    campaign = overseen(request, campaign_id)
    exporter = EXPORTERS[payload.kind]
    job = services.start_export(
        actor=request.user,
        campaign=campaign,
        kind=payload.kind,
        options=exporter.options(campaign, payload.dict()),
    )
    job.refresh_from_db()  # a worker running at once may have finished it
    return Status(202, job)


@router.get("/exports", response=Page[ExportOut])
def list_exports(request: AuthenticatedHttpRequest, page: Query[PageParams]):
    """The caller's exports, newest first."""
    return paginate(selectors.jobs_of(request.user), page, order="-pk")


@router.get("/exports/{export_id}", response=ExportOut)
def get_export(request: AuthenticatedHttpRequest, export_id: int):
    """An export's state and progress."""
    return selectors.get_job_for(request.user, export_id)


@router.get(
    "/exports/{export_id}/file",
    url_name="export_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "the .xlsx, .docx or .zip",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_file(request: AuthenticatedHttpRequest, export_id: int):
    """The finished file (404 while it is being made, and after it expired)."""
    return file_response(selectors.get_job_for(request.user, export_id), request.user)
