"""Exports whose worker died run again (decision 0019): each run holds a lease its progress
renews; a sweeper, or the office asking again, queues a job whose lease expired; after
JOB_MAX_ATTEMPTS runs it is given up. The last test kills a real worker with SIGKILL."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from anxuan.exports.enums import JobState
from anxuan.exports.models import ExportJob
from anxuan.exports.tasks import requeue_stalled_exports
from tests.api.conftest import ApiClient, token_for

SLOW_WORKER = Path(__file__).with_name("slow_worker.py")
REPO = Path(__file__).resolve().parents[2]


def stuck_job(county, **fields) -> ExportJob:
    """A statistics export its worker was running when it died a while ago."""
    defaults = {
        "state": JobState.RUNNING,
        "attempts": 1,
        "lease_until": timezone.now() - timedelta(minutes=5),
        "done": 0,
        "total": 0,
    }
    return ExportJob.objects.create(
        campaign=county.campaign,
        kind="statistics",
        options={"basis": "accepted"},
        requested_by=county.office_admin,
        **(defaults | fields),
    )


def status(client, job) -> dict:
    return client.get(reverse("exports:export_status", args=[job.pk])).json()


def test_a_job_whose_worker_died_says_so_and_the_sweeper_runs_it_to_the_end(
    county, login, django_capture_on_commit_callbacks
):
    job = stuck_job(county)
    office = login(county.office_admin)
    api = ApiClient(token_for(county.office_admin))

    before = status(office, job)
    seen_by_api = api.get(f"/exports/{job.pk}").json()
    with django_capture_on_commit_callbacks(execute=True):  # the job runs at once
        requeue_stalled_exports.call_local()  # the worker's periodic sweeper

    job.refresh_from_db()
    assert (before["state"], before["label"], before["percent"]) == (
        "running",
        "已中断，将重新排队",
        0,
    )
    assert (seen_by_api["interrupted"], seen_by_api["attempts"]) == (True, 1)
    assert (job.state, job.attempts, job.lease_until) == (JobState.DONE, 2, None)
    assert status(office, job)["download"] == reverse("exports:export_download", args=[job.pk])
    assert default_storage.exists(job.file_name)


@pytest.mark.django_db(transaction=True)  # the queue is real: the job waits in it
def test_asking_again_for_a_stuck_export_queues_it_again_and_says_which_attempt(county, login):
    HUEY.immediate = False
    HUEY.flush()
    job = stuck_job(county)
    office = login(county.office_admin)

    again = office.post(
        reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "statistics"}
    )
    waiting = status(office, job)
    pending = HUEY.pending_count()
    HUEY.execute(HUEY.dequeue())

    assert again.url == reverse("exports:export_job", args=[job.pk])
    assert ExportJob.objects.count() == 1
    assert pending == 1
    assert (waiting["state"], waiting["label"]) == ("queued", "重新排队（第 2 次，共 3 次）")
    assert status(office, job)["state"] == "done"


def test_a_job_stopped_on_every_attempt_is_given_up_and_can_be_started_afresh(
    county, login, django_capture_on_commit_callbacks
):
    job = stuck_job(county, attempts=3)
    office = login(county.office_admin)

    requeue_stalled_exports.call_local()
    page = office.get(reverse("exports:export_job", args=[job.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        fresh = office.post(
            reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "statistics"}
        )

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "后台进程在生成此文件时中断了 3 次。"
    assert "导出失败" in page
    assert "已尝试 3 次。" in page
    assert fresh.url != reverse("exports:export_job", args=[job.pk])
    assert ExportJob.objects.get(pk=int(fresh.url.rstrip("/").rsplit("/", 1)[1])).state == "done"


def test_a_running_job_with_a_live_lease_is_left_to_its_worker(county, login):
    job = stuck_job(county, lease_until=timezone.now() + timedelta(minutes=1), done=3, total=9)

    requeue_stalled_exports.call_local()
    again = login(county.office_admin).post(
        reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "statistics"}
    )

    job.refresh_from_db()
    assert again.url == reverse("exports:export_job", args=[job.pk])
    assert (job.state, job.attempts, job.done) == (JobState.RUNNING, 1, 3)


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{quote(db['HOST'] or '', safe='')}{port}/{db['NAME']}"


def worker(*, hold: bool) -> subprocess.Popen:
    """A real Huey consumer on the same queue and database as the test. With `hold`, its
    exporters report some progress and then never finish (a slow export)."""
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "JOB_LEASE_SECONDS": "2",
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    if hold:
        env["SLOW_EXPORT_HOLD"] = "1"
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SLOW_WORKER)], env=env, stdout=subprocess.DEVNULL
    )


def wait_for(condition, what: str, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)  # polling with a deadline, not timing the test
    raise AssertionError(f"gave up waiting: {what}")


@pytest.mark.django_db(transaction=True)  # the workers read what the test wrote
def test_a_worker_killed_mid_export_leaves_a_job_that_a_new_worker_finishes(
    county, login, settings
):
    HUEY.immediate = False
    HUEY.flush()
    settings.JOB_LEASE_SECONDS = 2
    office = login(county.office_admin)
    first = worker(hold=True)
    try:
        started = office.post(
            reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "statistics"}
        )
        job = ExportJob.objects.get()
        wait_for(
            lambda: ExportJob.objects.filter(pk=job.pk, state="running", done__gt=0).exists(),
            "the first worker to report progress",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        job.refresh_from_db()
        wait_for(lambda: timezone.now() > job.lease_until, "the dead worker's lease to expire")
        stuck = status(office, job)

        again = office.post(
            reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "statistics"}
        )
        second = worker(hold=False)
        try:
            wait_for(
                lambda: ExportJob.objects.filter(pk=job.pk, state="done").exists(),
                "the new worker to finish the job",
            )
        finally:
            second.terminate()
            second.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        HUEY.flush()

    job.refresh_from_db()
    assert first.returncode == -signal.SIGKILL
    assert (stuck["state"], stuck["label"]) == ("running", "已中断，将重新排队")
    assert again.url == started.url
    assert (job.state, job.attempts, ExportJob.objects.count()) == (JobState.DONE, 2, 1)
    download = office.get(reverse("exports:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
