"""Starting an export, watching its progress and downloading its file."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anxuan.campaigns.selectors import get_campaign_for
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.exports import selectors, services
from anxuan.exports.enums import JobState
from anxuan.exports.exporters import EXPORTERS
from anxuan.exports.models import ExportJob
from anxuan.orgs.models import Person


@login_required
@require_POST
def export_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queue an export of the campaign; its page shows the progress."""
    campaign = get_campaign_for(request.user, pk, perm="campaigns.oversee")
    kind = request.POST.get("kind", "")
    exporter = EXPORTERS.get(kind)
    if exporter is None:
        messages.error(request, _("There is no such export."))
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    if not request.user.has_perm(exporter.perm, campaign):
        raise PermissionDenied
    job = services.start_export(
        actor=request.user,
        campaign=campaign,
        kind=kind,
        options=exporter.options(campaign, request.POST),
    )
    return redirect("exports:export_job", pk=job.pk)


def _status(job: ExportJob) -> dict:
    return {
        "state": job.state,
        "label": services.state_label(job),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "download": reverse("exports:export_download", args=[job.pk])
        if job.state == JobState.DONE
        else None,
    }


@login_required
@require_GET
def export_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.get_job_for(request.user, pk)
    return render(
        request,
        "exports/job.html",
        {"job": job, "filename": services.download_name(job), "status": _status(job)},
    )


@login_required
@require_GET
def export_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The job's progress, polled by its page."""
    return JsonResponse(_status(selectors.get_job_for(request.user, pk)))


def file_response(job: ExportJob, actor: Person) -> FileResponse:
    """The finished file as a download, recorded in the audit log; 404 while it is being
    made and after it expired."""
    if job.state != JobState.DONE:
        raise Http404
    services.record_download(actor=actor, job=job)
    return FileResponse(
        default_storage.open(job.file_name, "rb"),
        content_type=EXPORTERS[job.kind].content_type,
        as_attachment=True,
        filename=services.download_name(job),
    )


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return file_response(selectors.get_job_for(request.user, pk), request.user)


@login_required
@require_GET
def export_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's exports, newest first."""
    return render(
        request,
        "exports/list.html",
        {"jobs": selectors.jobs_of(request.user)[:50], "keep_days": settings.EXPORT_KEEP_DAYS},
    )
