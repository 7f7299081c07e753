"""Starting export jobs and running them in the worker."""

import logging
import tempfile
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from anxuan.campaigns.models import Campaign
from anxuan.core.audit import record
from anxuan.exports.enums import UNFINISHED, JobState
from anxuan.exports.exporters import EXPORTERS
from anxuan.exports.models import ExportJob
from anxuan.orgs.models import Person

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.JOB_LEASE_SECONDS)


@transaction.atomic
def start_export(*, actor: Person, campaign: Campaign, kind: str, options: dict) -> ExportJob:
    """Queue an export of the campaign for the person. The same export still waiting or
    running for them is returned instead of a second one (a double click starts one job);
    when its worker has stopped showing life (its lease expired) it is queued again first.
    Side effects: audit row; the worker's `run_export` after commit."""
    from anxuan.exports.tasks import run_export

    if not actor.has_perm("campaigns.oversee", campaign):
        raise PermissionDenied
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialise starts
    job = ExportJob.objects.filter(
        requested_by=actor, campaign=campaign, kind=kind, options=options, state__in=UNFINISHED
    ).first()
    now = timezone.now()
    if job is not None and job.lease_expired(now):
        requeue_stalled_job(job, now=now)
        job.refresh_from_db()
    if job is not None and job.state in UNFINISHED:
        return job
    job = ExportJob(
        requested_by=actor, campaign=campaign, kind=kind, options=options, lease_until=_lease(now)
    )
    job.full_clean()
    job.save()
    record(actor=actor, action="export.start", target=job, summary=str(job), **options)
    transaction.on_commit(lambda: run_export(job.pk))
    return job


def requeue_stalled_job(job: ExportJob, *, now: datetime) -> bool:
    """Queue again an unfinished job whose lease expired (its worker died, or its queued
    task was lost), or give it up as failed once it has started JOB_MAX_ATTEMPTS runs.
    Only one of several sweepers wins (the update is conditional on the lease it saw).
    Side effects: audit row; `run_export` after commit. False when another got there first."""
    from anxuan.exports.tasks import run_export

    if not job.lease_expired(now):
        return False
    same = ExportJob.objects.filter(pk=job.pk, state=job.state, lease_until=job.lease_until)
    if job.state == JobState.RUNNING and job.attempts >= settings.JOB_MAX_ATTEMPTS:
        with translation.override(settings.LANGUAGE_CODE):
            reason = gettext("The background worker stopped %(n)s times while making this file.")
        if not same.update(
            state=JobState.FAILED, error=reason % {"n": job.attempts}, finished_at=now
        ):
            return False
        record(actor=None, action="export.give_up", target=job, attempts=job.attempts)
        return True
    if not same.update(state=JobState.QUEUED, lease_until=_lease(now)):
        return False
    record(actor=None, action="export.requeue", target=job, attempts=job.attempts)
    transaction.on_commit(lambda: run_export(job.pk))
    return True


def requeue_stalled_jobs(now: datetime | None = None) -> int:
    """The sweeper, run by the worker every minute: every unfinished job whose lease
    expired is queued again or given up. Returns how many it changed."""
    now = now or timezone.now()
    stalled = ExportJob.objects.filter(state__in=UNFINISHED).filter(
        Q(lease_until__lt=now) | Q(lease_until=None)
    )
    return sum(requeue_stalled_job(job, now=now) for job in stalled)


def state_label(job: ExportJob, now: datetime | None = None) -> str:
    """The job's state as its owner should read it: a job that runs again says which attempt
    it is, and one whose worker stopped says it will be queued again."""
    now = now or timezone.now()
    if job.lease_expired(now) and job.state == JobState.RUNNING:
        return gettext("Interrupted; it will be queued again")
    if job.state == JobState.QUEUED and job.attempts:
        return gettext("Queued again (attempt %(n)s of %(max)s)") % {
            "n": job.attempts + 1,
            "max": settings.JOB_MAX_ATTEMPTS,
        }
    if job.state == JobState.RUNNING and job.attempts > 1:
        return gettext("In progress (attempt %(n)s of %(max)s)") % {
            "n": job.attempts,
            "max": settings.JOB_MAX_ATTEMPTS,
        }
    return job.get_state_display()


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
    """Write the job's file to storage, recording progress as it goes; each progress write
    renews the lease. Safe to run twice: a finished job is left alone, so is one another
    worker is running under a live lease; an interrupted one is written again from the start.
    The attempt number fences the run: a worker that lost its lease (too slow, not dead)
    writes nothing more once another run has started."""
    now = timezone.now()
    claimed = (
        ExportJob.objects.filter(pk=job_id, state__in=UNFINISHED)
        .exclude(state=JobState.RUNNING, lease_until__gte=now)
        .update(
            state=JobState.RUNNING,
            done=0,
            total=0,
            attempts=F("attempts") + 1,
            lease_until=_lease(now),
        )
    )
    job = ExportJob.objects.filter(pk=job_id).select_related("campaign__owner").first()
    if not claimed or job is None:
        return
    mine = ExportJob.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)
    last_write = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_write
        if done < total and time.monotonic() - last_write < PROGRESS_EVERY:
            return
        last_write = time.monotonic()
        mine.update(done=done, total=total, lease_until=_lease(timezone.now()))

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
            mine.update(
                state=JobState.FAILED,
                error=repr(exc)[:255],
                finished_at=timezone.now(),
                lease_until=None,
            )
            return
    if not mine.update(
        state=JobState.DONE,
        done=F("total"),
        file_name=name,
        size=size,
        finished_at=timezone.now(),
        lease_until=None,
    ):
        default_storage.delete(name)  # a later run of the job took over: its file counts


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
