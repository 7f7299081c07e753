"""Fault probes (issue 12): what a bad day does to a running Anxuan, measured, not assumed.

  .venv/bin/python bench/fault_probe.py [--port 8135] [--parallel 8] [--database-url URL]

Builds the demo county in a scratch folder (SQLite unless --database-url names an empty
database), starts a real `anxuan serve` on loopback, then:

  a. kill -9 the background worker while it makes an evidence-package export;
  b. ... in the same kill, while it makes the thumbnail of a 24-megapixel PNG photo;
     then waits (at most 150 s) for `anxuan serve` to restart the worker and for the
     export and the thumbnail to be finished by it (JOB_LEASE_SECONDS=10 and
     STORED_FILE_RETRY_MINUTES=1 here, so the sweepers act within the time bound);
  c. kill -9 the gunicorn workers while a 24 MB multipart upload and a resumable (tus)
     chunk are half sent, then looks for temporary files, partial uploads and stored files
     that no row refers to, and for the offset the server kept of the tus chunk;
  d. N parallel submits of the same weekly report, and N parallel creations of the same
     ad-hoc report with one Idempotency-Key (a client's retries), through the API.

For each probe it prints: data lost, orphans left, stuck jobs, client-visible errors
(counts, with the HTTP statuses seen). Exit status 1 when anything but client errors is
non-zero. Loopback only; the scratch folder is deleted at the end.
"""

import argparse
import base64
import collections
import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DEADLINE = 150  # seconds to wait for the restarted worker to finish what the dead one left


def run(env: dict, *command: str) -> None:
    subprocess.run(
        [PY, "-m", "anxuan.cli", *command], env=env, cwd=ROOT, check=True, capture_output=True
    )


def children(pid: int) -> dict[int, str]:
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError):
                found[int(child)] = Path(f"/proc/{child}/cmdline").read_bytes().decode()
    return found


def pids(serve: subprocess.Popen, needle: str) -> list[int]:
    return [pid for pid, cmd in children(serve.pid).items() if needle in cmd]


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)  # polling with a deadline
    return None


class Api:
    """The REST API as one person (Bearer token), over loopback."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        head = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            head["Content-Type"] = "application/json"
        try:
            conn.request(method, f"/api/v1{path}", body=body, headers=head)
            response = conn.getresponse()
            raw = response.read()
            data = (
                json.loads(raw)
                if raw and "json" in (response.getheader("Content-Type") or "")
                else {}
            )
            return response.status, data, dict(response.getheaders())
        except OSError:
            return 0, {}, {}  # the connection broke: a client-visible error
        finally:
            conn.close()


def big_png() -> bytes:
    """A 6 000 × 4 000 photo that compresses well (a few MB) but takes a worker a while."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((6000, 4000))
    radial = Image.radial_gradient("L").resize((6000, 4000))
    buffer = io.BytesIO()
    Image.merge("RGB", (gradient, radial, gradient.rotate(180))).save(buffer, "PNG")
    return buffer.getvalue()


def small_jpeg(seed: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((640, 480), 60 + seed).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def multipart(name: str, content_type: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def half_sent(port: int, request_head: str, length: int, sent: int) -> socket.socket:
    """A request whose body stops after `sent` of `length` bytes; the socket stays open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(request_head.encode() + f"Content-Length: {length}\r\n\r\n".encode())
    chunk = os.urandom(2**20)
    while sent > 0:
        sock.sendall(chunk[: min(sent, len(chunk))])
        sent -= len(chunk)
    return sock


def orphans(media: Path, temp: Path, partial: Path) -> dict[str, int]:
    """Files that no row refers to: stored files, upload temporaries, partial uploads."""
    from anxuan.exports.models import ExportJob
    from anxuan.reports.models import Attachment, ResumableUpload

    known = set()
    for storage_name, thumbnail in Attachment.objects.values_list("storage_name", "thumbnail"):
        known.update({storage_name, thumbnail})
    known.update(ExportJob.objects.exclude(file_name="").values_list("file_name", flat=True))
    stored = [p for p in media.rglob("*") if p.is_file() and str(p.relative_to(media)) not in known]
    uploads = {str(pk) for pk in ResumableUpload.objects.values_list("pk", flat=True)}
    partials = [p for p in partial.rglob("*") if p.is_file() and p.stem not in uploads]
    return {
        "stored files without a row": len(stored),
        "upload temporary files": sum(1 for p in temp.rglob("*") if p.is_file()),
        "partial uploads without a row": len(partials),
    }


def made(answer: tuple[int, dict, dict]) -> dict:
    """The body of a request that must succeed for the probe to go on."""
    status, body, _ = answer
    if status not in {200, 201, 202}:
        raise SystemExit(f"the probe's own setup was refused: {status} {body}")
    return body


RESULTS: list[str] = []  # printed at the end in the probes' order (a and b finish last)


def report(name: str, lost: int, orphan_count: int, stuck: int, errors: int, notes: str) -> bool:
    RESULTS.append(
        f"{name}\n    data lost {lost} · orphans left {orphan_count} · stuck jobs {stuck} · "
        f"client-visible errors {errors}\n    {notes}"
    )
    return lost == orphan_count == stuck == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8135)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    started = time.monotonic()
    var = Path(tempfile.mkdtemp(prefix="anxuan-fault-"))
    temp = var / "upload-tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env |= {
        "ANXUAN_VAR_DIR": str(var),
        "DATABASE_URL": args.database_url or f"sqlite:///{var / 'probe.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "FILE_UPLOAD_TEMP_DIR": str(temp),
        "JOB_LEASE_SECONDS": "10",
        "STORED_FILE_RETRY_MINUTES": "1",
        "API_RATE_PER_MINUTE": "100000",
    }
    print(f"Building the demo county in {var} ...", flush=True)
    run(env, "migrate", "-v0")
    run(env, "demo")
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from anxuan.api import services as api_services
    from anxuan.campaigns.models import Campaign, Participant, Period, Requirement
    from anxuan.core import sweep
    from anxuan.exports.models import ExportJob
    from anxuan.orgs.models import Person
    from anxuan.reports import services as report_services
    from anxuan.reports.models import (
        Attachment,
        ResumableUpload,
        Submission,
        SubmissionVersion,
    )

    office = Person.objects.get(username="office")
    office_api = Api(args.port, api_services.create_token(actor=office, name="probe")[1])
    # Drafts go into next year's Safety Month (its weeks take drafts, not submits yet); the
    # parallel submits resubmit a report of this year's that the office returned.
    liaison = Person.objects.get(username="liaison")
    campaign = Campaign.objects.filter(kind="safety_month", parent=None).order_by("-year").first()
    participant = Participant.objects.get(
        campaign=campaign, organization__memberships__person=liaison
    )
    periods = list(
        Period.objects.filter(requirement__campaign=campaign, requirement__kind="weekly")
        .exclude(submissions__participant=participant)
        .order_by("due_at")[:2]
    )
    returned = (
        Submission.objects.filter(
            participant__organization__memberships__person=liaison,
            requirement__kind="weekly",
            state__in=["submitted", "resubmitted"],
        )
        .order_by("-pk")
        .first()
    )
    report_services.return_submission(actor=office, submission=returned, reason="故障探测：请补充")
    liaison_api = Api(args.port, api_services.create_token(actor=liaison, name="probe")[1])
    adhoc = Requirement.objects.filter(campaign=campaign, kind="adhoc").first()
    media = Path(settings.MEDIA_ROOT)
    partial = Path(settings.RESUMABLE_UPLOAD_DIR)
    before = orphans(media, temp, partial)

    log = (var / "serve.log").open("w")
    serve = subprocess.Popen(
        [PY, "-m", "anxuan.cli", "serve", "--bind", f"127.0.0.1:{args.port}", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    healthy = lambda: office_api.call("GET", "/me")[0] == 200  # noqa: E731
    ok = True
    try:
        if not wait_for(healthy, 120):
            print("anxuan serve did not answer within 120 s; see", var / "serve.log")
            return 2

        # a + b: one kill -9 of the worker while it makes an export and a thumbnail.
        draft = made(
            liaison_api.call(
                "POST",
                "/submissions",
                {
                    "participant_id": participant.pk,
                    "period_id": periods[0].pk,
                    "text": "故障探测：大图",
                },
            )
        )
        photo_body, photo_type = multipart("大图.png", "image/png", big_png())
        up_status, photo, _ = liaison_api.call(
            "POST",
            f"/submissions/{draft['id']}/attachments",
            photo_body,
            {"Content-Type": photo_type},
        )
        # This year's evidence package holds the demo's photos: long enough to be caught.
        ex_status, job, _ = office_api.call(
            "POST", f"/campaigns/{returned.requirement.campaign_id}/exports", {"kind": "evidence"}
        )
        worker = pids(serve, "run_huey")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # a tight poll: kill the moment the export runs
            state_at_kill = ExportJob.objects.get(pk=job["id"]).state
            if state_at_kill != "queued":
                break
        for pid in worker:
            os.kill(pid, signal.SIGKILL)
        thumb_at_kill = Attachment.objects.filter(pk=photo.get("id")).exclude(thumbnail="").exists()
        killed_at = time.monotonic()
        # c: kill -9 the gunicorn workers mid-upload (multipart and tus).
        draft2 = made(
            liaison_api.call(
                "POST",
                "/submissions",
                {
                    "participant_id": participant.pk,
                    "period_id": periods[1].pk,
                    "text": "故障探测：上传",
                },
            )
        )
        auth = f"Authorization: Bearer {liaison_api.token}\r\nHost: 127.0.0.1\r\n"
        boundary = uuid.uuid4().hex
        length = 24 * 2**20
        cut_multipart = half_sent(
            args.port,
            f"POST /api/v1/submissions/{draft2['id']}/attachments HTTP/1.1\r\n{auth}"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n",
            length,
            0,
        )
        cut_multipart.sendall(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="大.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + os.urandom(12 * 2**20)
        )
        tus = {"Tus-Resumable": "1.0.0"}
        video = 30 * 2**20
        name = base64.b64encode("演练.mp4".encode()).decode()
        created, _, headers = liaison_api.call(
            "POST",
            f"/submissions/{draft2['id']}/uploads",
            b"",
            {**tus, "Upload-Length": str(video), "Upload-Metadata": f"filename {name}"},
        )
        location = headers.get("Location", "")
        sent = 14 * 2**20
        cut_tus = half_sent(
            args.port,
            f"PATCH {location} HTTP/1.1\r\n{auth}Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
            "Content-Type: application/offset+octet-stream\r\n",
            video,
            sent,
        )
        time.sleep(0.5)  # let the workers read what was sent before they die (not a measure)
        web_workers = [w for master in pids(serve, "gunicorn") for w in children(master)]
        for pid in web_workers:
            os.kill(pid, signal.SIGKILL)
        for sock in (cut_multipart, cut_tus):
            sock.close()
        wait_for(healthy, 60)
        head, _, tus_headers = liaison_api.call("HEAD", location.removeprefix("/api/v1"), None, tus)
        offset = int(tus_headers.get("Upload-Offset", "0") or 0)
        after_kill = orphans(media, temp, partial)
        killed = {k: after_kill[k] - before[k] for k in after_kill}
        # The worker's orphan sweep, run as it runs once the leftovers are old enough.
        swept_at = timezone.now() + timedelta(hours=settings.ORPHAN_MIN_AGE_HOURS + 1)
        sweep.sweep_storage(now=swept_at)
        sweep.sweep_temporary_uploads(now=swept_at)
        after = orphans(media, temp, partial)
        grown = {k: after[k] - before[k] for k in after}
        ok &= report(
            "c. gunicorn workers killed mid-upload (24 MB multipart, 30 MB tus chunk)",
            lost=int(offset == 0),  # what arrived of the tus chunk must be kept
            orphan_count=sum(max(0, n) for n in grown.values()),
            stuck=0,
            errors=2,  # both cut requests: the client saw its connection drop
            notes=f"tus create {created}, HEAD afterwards {head}: the server kept {offset} of "
            f"{sent} bytes sent before the kill; leftovers right after the kill {killed}, "
            f"after the orphan sweep {grown}; upload rows {ResumableUpload.objects.count()}",
        )

        # d: parallel submits of one weekly report; parallel ad-hoc creations, one key.
        versions_before = SubmissionVersion.objects.filter(submission=returned).count()
        statuses: collections.Counter = collections.Counter()
        adhoc_statuses: collections.Counter = collections.Counter()
        key = uuid.uuid4().hex
        adhoc_before = Submission.objects.filter(participant=participant, requirement=adhoc).count()
        gate = threading.Barrier(args.parallel * 2)

        messages: set[str] = set()

        def submit_once():
            gate.wait()
            status, body, _ = liaison_api.call("POST", f"/submissions/{returned.pk}/submit")
            statuses[status] += 1
            if status >= 400:
                messages.add(str(body.get("message", body))[:120])

        def adhoc_once():
            gate.wait()
            adhoc_statuses[
                liaison_api.call(
                    "POST",
                    "/submissions",
                    {
                        "participant_id": participant.pk,
                        "requirement_id": adhoc.pk,
                        "text": "故障探测：随时报送",
                    },
                    {"Idempotency-Key": key},
                )[0]
            ] += 1

        threads = [threading.Thread(target=submit_once) for _ in range(args.parallel)]
        threads += [threading.Thread(target=adhoc_once) for _ in range(args.parallel)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        versions = SubmissionVersion.objects.filter(submission=returned).count() - versions_before
        adhoc_made = (
            Submission.objects.filter(participant=participant, requirement=adhoc).count()
            - adhoc_before
        )
        bad = lambda counter: sum(n for s, n in counter.items() if s >= 500 or s == 0)  # noqa: E731
        ok &= report(
            f"d. {args.parallel} parallel resubmits of one returned weekly report; "
            f"{args.parallel} parallel ad-hoc creations (one Idempotency-Key)",
            lost=0,
            orphan_count=0,
            stuck=abs(versions - 1) + abs(adhoc_made - 1),
            errors=bad(statuses) + bad(adhoc_statuses),
            notes=f"weekly: {versions} new version(s), statuses {dict(statuses)}; "
            f"ad-hoc: {adhoc_made} report(s), statuses {dict(adhoc_statuses)} "
            f"(stuck counts extra or missing versions / reports); refusals {sorted(messages)}",
        )
        # a + b, continued: the restarted worker had c and d's time to start on them.
        polls = collections.Counter()

        def recovered():
            polls[office_api.call("GET", f"/exports/{job['id']}")[0]] += 1
            done = ExportJob.objects.filter(pk=job["id"], state__in=["done", "failed"]).exists()
            thumb = Attachment.objects.filter(pk=photo.get("id")).exclude(thumbnail="").exists()
            return done and thumb

        wait_for(recovered, DEADLINE)
        finished = ExportJob.objects.get(pk=job["id"])
        attachment = Attachment.objects.filter(pk=photo.get("id")).first()
        new_worker = [p for p in pids(serve, "run_huey") if p not in worker]
        zip_ok = False
        if finished.state == "done":
            with (media / finished.file_name).open("rb") as f, zipfile.ZipFile(f) as archive:
                zip_ok = archive.testzip() is None and "manifest.csv" in archive.namelist()
        errors = (
            sum(n for s, n in polls.items() if s != 200) + (up_status != 201) + (ex_status != 202)
        )
        ok &= report(
            "a. worker killed mid-export",
            lost=0 if zip_ok else 1,
            orphan_count=0,
            stuck=0 if finished.state == "done" else 1,
            errors=errors,
            notes=f"export {state_at_kill} at the kill"
            f"{'' if state_at_kill == 'running' else ' (NOT caught mid-run: run again)'}; "
            f"afterwards {finished.state} after {finished.attempts} attempt(s), "
            f"{time.monotonic() - killed_at:.0f} s after the kill; new worker pid {new_worker}; "
            f"status polls {dict(polls)}",
        )
        ok &= report(
            "b. worker killed mid-thumbnail (24 MP PNG)",
            lost=0 if attachment else 1,
            orphan_count=0,
            stuck=0 if attachment and attachment.thumbnail else 1,
            errors=int(up_status != 201),
            notes=f"upload {up_status}; thumbnail "
            + (
                "made before the kill (NOT caught mid-run: run again); "
                if thumb_at_kill
                else "missing at the kill; "
            )
            + f"afterwards {'made' if attachment and attachment.thumbnail else 'still missing'} "
            f"after {attachment.process_attempts if attachment else 0} attempt(s)",
        )

    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
        shutil.rmtree(var, ignore_errors=True)
        print("\n".join(sorted(RESULTS)))
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
