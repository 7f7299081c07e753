"""Starting export jobs and running them in the worker."""

import logging
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anxuan.campaigns.models import Campaign
from anxuan.core.audit import record
from anxuan.exports.enums import UNFINISHED, JobState
from anxuan.exports.exporters import EXPORTERS
from anxuan.exports.models import ExportJob
from anxuan.orgs.models import Person

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes


@transaction.atomic
def start_export(*, actor: Person, campaign: Campaign, kind: str, options: dict) -> ExportJob:
    """Queue an export of the campaign for the person. The same export still waiting or
    running for them is returned instead of a second one (a double click starts one job).
    Side effects: audit row; the worker's `run_export` after commit."""
    from anxuan.exports.tasks import run_export

    if not actor.has_perm("campaigns.oversee", campaign):
        raise PermissionDenied
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialise starts
    job = ExportJob.objects.filter(
        requested_by=actor, campaign=campaign, kind=kind, options=options, state__in=UNFINISHED
    ).first()
    if job is not None:
        return job
    job = ExportJob(requested_by=actor, campaign=campaign, kind=kind, options=options)
    job.full_clean()
    job.save()
    record(actor=actor, action="export.start", target=job, summary=str(job), **options)
    transaction.on_commit(lambda: run_export(job.pk))
    return job


def download_name(job: ExportJob) -> str:
    return f"{job.campaign.title}{EXPORTERS[job.kind].suffix}"


@transaction.atomic
def record_download(*, actor: Person, job: ExportJob) -> None:
    """Who took which finished file of a campaign. Side effects: audit row."""
    record(
        actor=actor,
        action="export.download",
        target=job.campaign,
        summary=download_name(job),
        export=job.pk,
        kind=job.kind,
    )


def run_job(job_id: int) -> None:
    """Write the job's file to storage, recording progress as it goes. Safe to run twice:
    a finished job is left alone; an interrupted one is written again from the start."""
    job = (
        ExportJob.objects.filter(pk=job_id, state__in=UNFINISHED)
        .select_related("campaign__owner")
        .first()
    )
    if job is None:
        return
    ExportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=0, total=0)
    last_write = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_write
        if done < total and time.monotonic() - last_write < PROGRESS_EVERY:
            return
        last_write = time.monotonic()
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    exporter = EXPORTERS[job.kind]
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as out:
        try:
            exporter.write(job.campaign, job.options, out, progress)
            size = out.tell()
            out.seek(0)
            extension = exporter.suffix.rsplit(".", 1)[1]
            name = f"exports/{job.pk}.{extension}"
            default_storage.delete(name)  # left by an interrupted earlier run
            name = default_storage.save(name, File(out))
        except Exception as exc:  # any failure is the job's, shown to its owner
            log.exception("export %s failed", job.pk)
            ExportJob.objects.filter(pk=job.pk).update(
                state=JobState.FAILED, error=repr(exc)[:255], finished_at=timezone.now()
            )
            return
    ExportJob.objects.filter(pk=job.pk).update(
        state=JobState.DONE, done=F("total"), file_name=name, size=size, finished_at=timezone.now()
    )


def expire_old_exports(*, now=None) -> int:
    """Delete the files of exports finished longer ago than EXPORT_KEEP_DAYS; the jobs stay
    listed as expired. Returns how many expired."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(state=JobState.DONE, finished_at__lt=cutoff))
    for job in old:
        default_storage.delete(job.file_name)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).update(
        state=JobState.EXPIRED, file_name=""
    )
    return len(old)
