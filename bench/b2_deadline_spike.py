"""B2 deadline spike: weekly reports with five ~3 MB photos at a fixed rate, then a burst of
200 liaisons at once; afterwards every report and every file is checked by SHA-256.

  .venv/bin/python bench/b2_deadline_spike.py [--seconds 60] [--rate 5] [--burst 200]

Gunicorn (2 workers × 4 threads) + PostgreSQL, the demo county plus 250 liaison units in
next year's Safety Month; the load comes from bench/spike_client.py in its own process.
The baseline is the storage backend writing the same bytes in-process. Disk: about
15 MB per report (rate × seconds + burst reports); the files are deleted at the end.
"""

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import b1_page_floor as b1
from b7_video_upload import vm_hwm, workers

UNITS = 250
PASSWORD = "anxuan2026"  # noqa: S105 - the demo's published password


def base_photo(path: Path) -> int:
    """A noisy 2 400 × 1 800 JPEG of about 3 MB, as a phone camera makes."""
    from PIL import Image

    rng = random.Random(7)
    image = Image.frombytes(
        "RGB", (2400, 1800), bytes(rng.getrandbits(8) for _ in range(2400 * 1800 * 3))
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def prepare(env: dict) -> list[tuple[str, int, list[int]]]:
    """250 units with liaisons in next year's campaign: (username, participant, periods)."""
    os.environ.update(env)
    import django

    django.setup()
    from anxuan.campaigns import services as campaigns
    from anxuan.campaigns.models import Campaign
    from anxuan.orgs import services as orgs
    from anxuan.orgs.enums import OrgKind, Role
    from anxuan.orgs.models import Organization, Person

    county = Organization.objects.get(name="高台县")
    office = Person.objects.get(username="office")
    campaign = Campaign.objects.filter(kind="safety_month").order_by("-year").first()
    units = []
    for i in range(UNITS):
        unit = orgs.create_organization(
            actor=office, name=f"基准企业{i:03d}", kind=OrgKind.ENTERPRISE, parent=county
        )
        orgs.create_person(
            actor=office,
            username=f"b2-{i:03d}",
            full_name=f"联络员{i}",
            mobile=None,
            organization=unit,
            role=Role.LIAISON,
            password=PASSWORD,
        )
        units.append(unit)
    campaigns.add_participants(
        actor=office,
        campaign=campaign,
        organizations=units,
        joined_on=campaigns.work_starts_on(campaign),
    )
    weeks = list(campaign.requirements.get(kind="weekly").periods.values_list("pk", flat=True))
    return [
        (f"b2-{i:03d}", campaign.participants.get(organization=u).pk, weeks)
        for i, u in enumerate(units)
    ]


def baseline_mb_s(photo: bytes, files: int) -> float:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    t0 = time.perf_counter()
    names = [
        default_storage.save(f"baseline/{i}.jpg", ContentFile(photo + os.urandom(16)))
        for i in range(files)
    ]
    seconds = time.perf_counter() - t0
    for name in names:
        default_storage.delete(name)
    return len(photo) * files / 2**20 / seconds


def summary(run: dict, ok_status: int = 302) -> dict:
    """Counts, latency percentiles and MB/s of one phase; a result is (status, seconds,
    bytes), a success has `ok_status` (the report form redirects)."""
    results = run["results"]
    ok = [r for r in results if r[0] == ok_status]
    latencies = sorted(r[1] for r in ok) or [0]

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000)

    return {
        "requests": len(results),
        "ok": len(ok),
        "errors": len(results) - len(ok),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mb_s": round(sum(r[2] for r in ok) / 2**20 / run["seconds"], 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000),
    }


def verify() -> tuple[int, int, int]:
    """After the run: the benchmark units' reports in state submitted, their files, and how
    many of those files no longer match their recorded SHA-256 (each one re-read whole)."""
    from django.core.files.storage import default_storage

    from anxuan.reports.models import Attachment, Submission

    submitted = Submission.objects.filter(
        participant__organization__name__startswith="基准企业", state="submitted"
    ).count()
    attachments = list(
        Attachment.objects.filter(
            submission__participant__organization__name__startswith="基准企业"
        )
    )
    bad = 0
    for attachment in attachments:
        with default_storage.open(attachment.storage_name, "rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() != attachment.sha256:
                bad += 1
    return submitted, len(attachments), bad


def plan_reports(slots_by_unit, rate: float, seconds: float, burst: int) -> dict:
    """(username, participant, period) slots for the steady phase and the burst, week by
    week: one report per unit and week."""
    slots = [(u, p, w) for u, p, weeks in slots_by_unit for w in weeks]
    slots.sort(key=lambda s: (s[2], s[0]))
    steady_n = int(rate * seconds)
    plan = {"steady": slots[:steady_n], "burst": slots[steady_n : steady_n + burst]}
    if len(plan["burst"]) < burst:
        raise SystemExit(f"only {len(slots)} unit-weeks for {steady_n + burst} reports")
    return plan


def run_client(
    script: str, jobs: list[dict], jobs_file: Path, photo: Path, args, *extra: str
) -> dict:
    """One phase from the load generator `script`, in its own process; its JSON output."""
    jobs_file.write_text(json.dumps(jobs))
    mode = ["--burst"] if jobs_file.stem == "burst" else ["--rate", str(args.rate)]
    command = [b1.PY, str(b1.ROOT / "bench" / script), str(jobs_file), "--photo", str(photo)]
    out = subprocess.run(
        [*command, *extra, *mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=args.seconds + 900,
    )
    return json.loads(out.stdout)


def print_phases(runs: dict, args) -> None:
    print(
        f"{'phase':<28} {'reports':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'MB/s':>7}"
    )
    for name, label in (
        ("steady", f"steady {args.rate:g}/s for {args.seconds:g} s"),
        ("burst", f"burst of {args.burst} at once"),
    ):
        r = runs[name]
        print(
            f"{label:<28} {r['ok']:>7} {r['errors']:>6} {r['p50_ms']:>7} {r['p95_ms']:>7} "
            f"{r['p99_ms']:>7} {r['mb_s']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    var, env = b1.demo_stack("b2")
    slots_by_unit = prepare(env)
    photo_path = var / "base.jpg"
    photo_bytes = base_photo(photo_path)
    baseline = baseline_mb_s(photo_path.read_bytes(), 50)
    port = b1.free_port()
    server = b1.start_server(env, port, pool=True)
    runs = {}
    try:
        cookies = {}
        plan = plan_reports(slots_by_unit, args.rate, args.seconds, args.burst)
        for username in {u for part in plan.values() for u, _p, _w in part}:
            cookies[username] = b1.session_cookie(port, username, PASSWORD)
        pids = workers(server.pid)
        before = {pid: vm_hwm(pid) for pid in pids}
        for name, part in plan.items():
            jobs = [
                {
                    "port": port,
                    "cookie": cookies[u],
                    "csrf": dict(c.split("=", 1) for c in cookies[u].split("; "))["csrftoken"],
                    "path": f"/reports/new/?participant={p}&period={w}",
                }
                for u, p, w in part
            ]
            run = run_client("spike_client.py", jobs, var / f"{name}.json", photo_path, args)
            runs[name] = summary(run)
            print(f"  {name}: {runs[name]}", flush=True)
        after = {pid: vm_hwm(pid) for pid in pids}
    finally:
        b1.stop(server)

    submitted, files, bad = verify()
    ok = sum(r["ok"] for r in runs.values())
    print(
        f"\nB2 deadline spike — {os.cpu_count()} cores, gunicorn 2×4 threads, PostgreSQL; "
        f"5 photos of {photo_bytes / 2**20:.1f} MB per report"
    )
    print_phases(runs, args)
    print(
        f"storage backend writing the same bytes (baseline): {baseline:.0f} MB/s; "
        f"burst / baseline = {runs['burst']['mb_s'] / baseline:.2f}"
    )
    print(
        f"after: {submitted} reports in the database for {ok} accepted requests; "
        f"{files} files, {bad} failing their SHA-256"
    )
    print(f"worker peak RSS before → after (MB): {before} → {after}")
    shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
