"""B9 the cluster (issue 16): the B2 API load through the load balancer of `anxuan cluster`,
on 1, 2 and 4 app nodes each held by a cgroup to the same CPU share (the two workers too,
during each spike), then with a fault
injected in the middle of a spike: kill -9 an app node, kill -9 a worker, stop and restart
the object store's volume server, promote the PostgreSQL standby after killing the primary.

  sudo .venv/bin/python bench/b9_cluster.py [--cpu 25] [--reports 24] [--photos 5]

Every report is the phone app's sequence of bench/api_spike_client.py (draft, photos of
~3 MB one request each, submit; every request with an Idempotency-Key), with --retry: an
answer of 500/502/503/504 or a lost connection is sent again with the same key, as a phone
app does, and counted as a client-visible error. Scaling: a burst of --reports at once per
node count; throughput is reports submitted per second of the burst. Faults: --reports
spread over about 20 s, the fault 5 s in, the node started again after the burst. After
each phase every accepted report is read back from the database (submitted, one version,
every photo), every file's SHA-256 is re-read from the object store, and no job may be left
(each photo's thumbnail made, the queue empty) within three minutes.

Needs root and a machine with no cluster up; brings its own up and down (about 15 min).
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import b1_page_floor as b1  # noqa: E402 - from bench/, put on the path above
import b2_deadline_spike as b2  # noqa: E402
from anxuan_client import Client, put  # noqa: E402

from anxuan import cluster  # noqa: E402

CGROUP_V2 = Path("/sys/fs/cgroup/cgroup.controllers").exists()
CGROUPS = Path("/sys/fs/cgroup") if CGROUP_V2 else Path("/sys/fs/cgroup/cpu")

PREPARE = """
import json
import django
django.setup()
from django.utils import timezone
from anxuan.api.services import create_token
from anxuan.campaigns import services as campaigns
from anxuan.campaigns.models import Period
from anxuan.orgs import services as orgs
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Organization, Person

office = Person.objects.get(username="office")
weeks = list(Period.objects.filter(requirement__kind="weekly", opens_at__lte=timezone.now(),
                                   requirement__campaign__owner__name="高台县"))
campaign = weeks[0].requirement.campaign
weeks = [w for w in weeks if w.requirement.campaign_id == campaign.pk]
county = Organization.objects.get(name="高台县")
units = [orgs.create_organization(actor=office, name=f"B9企业{i}", kind=OrgKind.ENTERPRISE,
                                  parent=county) for i in range(-(-%(slots)d // len(weeks)))]
campaigns.add_participants(actor=office, campaign=campaign, organizations=units,
                           joined_on=campaigns.work_starts_on(campaign))
liaisons = []
for i, unit in enumerate(units):
    person = orgs.create_person(actor=office, username=f"b9-{i}", full_name=f"B9联络员{i}",
                                mobile=None, organization=unit, role=Role.LIAISON,
                                password="x" * 12)[0]
    liaisons.append((create_token(actor=person, name="B9")[1],
                     campaign.participants.get(organization=unit).pk))
# week by week: the reports of one phase come from different liaisons
slots = [{"token": token, "participant": participant, "period": w.pk}
         for w in weeks for token, participant in liaisons]
print(json.dumps(slots))
"""

VERIFY = """
import hashlib, json, sys
import django
django.setup()
from django.core.files.storage import default_storage
from huey.contrib.djhuey import HUEY
from anxuan.reports.models import Attachment, Submission

ids = json.loads(sys.argv[1])
photos = int(sys.argv[2])
whole, bad, unprocessed = 0, 0, 0
for submission in Submission.objects.filter(pk__in=ids, state="submitted"):
    versions = list(submission.versions.all())
    if len(versions) == 1 and versions[0].attachments.count() == photos:
        whole += 1
for attachment in Attachment.objects.filter(submission__in=ids):
    with default_storage.open(attachment.storage_name) as stored:
        bad += hashlib.sha256(stored.read()).hexdigest() != attachment.sha256
    unprocessed += attachment.processed_at is None
# jobs waiting or running, the photos' processing included (every photo of the cluster)
queued = (HUEY.pending_count() + HUEY.storage.in_flight_size()
          + Attachment.objects.filter(processed_at=None).count())
print(json.dumps({"whole": whole, "bad": bad, "unprocessed": unprocessed, "queued": queued}))
"""


PRESIGN = """
import json, sys
import django
django.setup()
from anxuan.core.direct import DIRECT, presign_put

sizes = json.loads(sys.argv[1])
print(json.dumps([presign_put(f"{DIRECT}/b9-store-{i}", size=size, content_type="image/jpeg",
                              seconds=3600).__dict__ for i, size in enumerate(sizes)]))
"""


def in_cluster(code: str, *args: str) -> str:
    """Python with the app nodes' settings, from this machine (the bridge reaches them)."""
    env = {**cluster.node_env(cluster.APPS[0]), "PATH": os.environ["PATH"]}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout.strip().splitlines()[-1]


def limit_cpu(node: cluster.Node, percent: int | None) -> None:
    """Every process of the node into a cgroup of its own held to `percent` of one CPU
    (None: no limit)."""
    group = CGROUPS / f"anxuan-{node.name}"
    group.mkdir(exist_ok=True)
    if CGROUP_V2:
        (group / "cpu.max").write_text(f"{percent * 1000 if percent else 'max'} 100000")
    else:
        (group / "cpu.cfs_period_us").write_text("100000")
        (group / "cpu.cfs_quota_us").write_text(str(percent * 1000 if percent else -1))
    for pid in cluster.pids(node):
        with contextlib.suppress(ProcessLookupError):  # gone in the meantime
            (group / "cgroup.procs").write_text(str(pid))


def remove_cgroups() -> None:
    for node in [*cluster.APPS, *cluster.WORKERS]:
        group = CGROUPS / f"anxuan-{node.name}"
        if group.exists():
            group.rmdir()


def servers_up() -> set[str]:
    """The app nodes the balancer sends requests to (its stats page)."""
    out = subprocess.run(
        ["curl", "-s", f"http://{cluster.LB.address}:8404/stats;csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [row.split(",") for row in out.splitlines()]
    return {
        row[1] for row in rows if row[0] == "apps" and row[1].startswith("app") and row[17] == "UP"
    }


def use_apps(count: int, percent: int) -> None:
    """Exactly the first `count` app nodes up, each held to `percent` of a CPU."""
    for node in cluster.APPS[count:]:
        cluster.kill(node)
    for node in cluster.APPS[:count]:
        if not cluster.pids(node):
            cluster.start_app(node)
        limit_cpu(node, percent)
    wanted = {node.name for node in cluster.APPS[:count]}
    deadline = time.monotonic() + 60
    while servers_up() != wanted:
        if time.monotonic() > deadline:
            raise SystemExit(f"the balancer sees {servers_up()}, not {wanted}")
        time.sleep(0.5)


def client(jobs: list[dict], folder: Path, name: str, photo: Path, args, rate: float | None):
    """The load generator in its own process, started; its output is read by `finish`."""
    jobs_file = folder / f"{name}.json"
    jobs_file.write_text(
        json.dumps([{**job, "host": cluster.LB.address, "port": 80} for job in jobs])
    )
    mode = ["--rate", str(rate)] if rate else ["--burst"]
    command = [
        b1.PY,
        str(BENCH / "api_spike_client.py"),
        str(jobs_file),
        "--photo",
        str(photo),
        "--photos",
        str(args.photos),
        "--retry",
        *mode,
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> dict:
    out, _ = process.communicate(timeout=1800)
    return json.loads(out)


def checked(accepted: list[int], photos: int, seconds: float = 180) -> dict:
    """The accepted reports read back, once no job is left (or after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        found = json.loads(in_cluster(VERIFY, json.dumps(accepted), str(photos)))
        if found["queued"] == 0 or time.monotonic() > deadline:
            return found
        time.sleep(5)


def workers_limited(percent: int | None) -> None:
    """The workers held like app nodes during a spike (their photos' processing must not
    take the app nodes' CPU on a machine of two cores), then free to catch up."""
    for node in cluster.WORKERS[:2]:
        limit_cpu(node, percent)


def phase(name: str, run: dict, photos: int, accepted: list[int]) -> dict:
    workers_limited(None)
    results = run["results"]
    ok = [r for r in results if r[0] == 200]
    accepted += [r[7] for r in ok]
    found = checked(accepted, photos)
    summary = b2.summary(run, ok_status=200)
    row = {
        "phase": name,
        "reports": len(ok),
        "failed": len(results) - len(ok),
        "per_s": round(len(ok) / run["seconds"], 2),
        "p50_ms": summary["p50_ms"],
        "p95_ms": summary["p95_ms"],
        "visible_errors": sum(r[6] for r in results),
        "lost": len(accepted) - found["whole"],
        "bad_sha256": found["bad"],
        "stuck": found["queued"],
    }
    print(f"  {row}", flush=True)
    for line in run["failures"]:
        print(f"    failure: {line}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu", type=int, default=25, help="percent of a CPU per app node")
    parser.add_argument("--reports", type=int, default=24, help="per phase")
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8, help="phones, direct vs store")
    args = parser.parse_args()
    if cluster.namespaces():
        raise SystemExit("a cluster is up: `anxuan cluster down` first")
    folder = Path("/var/tmp/anxuan-b9")  # noqa: S108 - the benchmark's own files
    folder.mkdir(exist_ok=True)
    photo = folder / "base.jpg"
    photo_bytes = b2.base_photo(photo)
    phases = 3 + 1 + 4
    rows, accepted = [], []
    try:
        cluster.up(apps=4, workers=2, demo=True)
        slots = json.loads(in_cluster(PREPARE % {"slots": args.reports * phases}))
        started = time.monotonic()
        drained = checked([], args.photos, 600)  # the demo's own photos, first
        print(f"  demo backlog drained in {time.monotonic() - started:.0f} s: {drained}")
        batches = iter(slots[i : i + args.reports] for i in range(0, len(slots), args.reports))
        for count in (1, 2, 4):
            use_apps(count, args.cpu)
            workers_limited(args.cpu)
            run = finish(client(next(batches), folder, f"apps{count}", photo, args, None))
            rows.append(phase(f"{count} app node(s), burst", run, args.photos, accepted))
        uploads = direct_against_store(next(batches)[: args.concurrency], folder, args)
        faults = [
            ("kill -9 app1", lambda: cluster.kill(cluster.APPS[0]), cluster.APPS[0]),
            ("kill -9 worker1", lambda: cluster.kill(cluster.WORKERS[0]), cluster.WORKERS[0]),
            ("volume server stopped 10 s", stop_volume, None),
            ("primary killed, standby promoted", cluster.promote, None),
        ]
        for name, inject, node in faults:
            workers_limited(args.cpu)
            running = client(next(batches), folder, name, photo, args, args.reports / 20)
            time.sleep(5)
            inject()
            run = finish(running)
            if node is not None:
                cluster.starter(node)()
                limit_cpu(node, args.cpu if node in cluster.APPS else None)
            rows.append(phase(name, run, args.photos, accepted))
    finally:
        cluster.down()
        remove_cgroups()
    report(rows, args, photo_bytes)
    print(
        f"\nB2 through direct upload, {uploads['files']} photos ({uploads['mb']:.0f} MB) by "
        f"{args.concurrency} phones at once, 4 app nodes: the object store receiving the "
        f"bytes {uploads['store'] / 2**20:.1f} MB/s; direct upload (announce, PUT, check) "
        f"{uploads['direct'] / 2**20:.1f} MB/s = {uploads['direct'] / uploads['store']:.2f}×"
    )


def direct_against_store(slots: list[dict], folder: Path, args) -> dict:
    """B2 through direct upload: photos attached by presigned PUT (announce, PUT to the
    store through the balancer, the app's check) against the same client PUTting the same
    bytes to the store at addresses signed in advance, at the same concurrency."""
    base = (folder / "base.jpg").read_bytes()
    files = []
    for i in range(len(slots) * args.photos):
        path = folder / f"direct-{i}.jpg"
        path.write_bytes(base + os.urandom(16))  # after the JPEG's end: no two alike
        files.append(path)
    total = sum(path.stat().st_size for path in files)
    signed = json.loads(in_cluster(PRESIGN, json.dumps([path.stat().st_size for path in files])))
    with ThreadPoolExecutor(len(slots)) as pool:
        start = time.perf_counter()
        list(pool.map(lambda path, to: put(to["url"], str(path), to["headers"]), files, signed))
        store = total / (time.perf_counter() - start)
        phones = [
            Client(f"http://{cluster.LB.address}", slot["token"], timeout=120) for slot in slots
        ]
        try:
            drafts = [
                phone.create_draft(participant_id=slot["participant"], period_id=slot["period"])
                for phone, slot in zip(phones, slots, strict=True)
            ]

            def attach(n: int) -> None:
                for path in files[n * args.photos : (n + 1) * args.photos]:
                    phones[n].upload_direct(drafts[n]["id"], str(path))

            start = time.perf_counter()
            list(pool.map(attach, range(len(slots))))
            direct = total / (time.perf_counter() - start)
        finally:
            for phone in phones:
                phone.close()
    for path in files:
        path.unlink()
    return {"files": len(files), "mb": total / 2**20, "store": store, "direct": direct}


def stop_volume() -> None:
    cluster.kill(cluster.VOLUME, 15)  # stopped, as an operator stops it
    time.sleep(10)
    cluster.start_store_node(cluster.VOLUME)


def report(rows: list[dict], args, photo_bytes: int) -> None:
    print(
        f"\nB9 the cluster — {os.cpu_count()} cores in all; each app node held to "
        f"{args.cpu} % of a CPU (gunicorn 2×4 threads); 2 workers; {args.reports} reports "
        f"per phase of draft + {args.photos} photos of {photo_bytes / 2**20:.1f} MB + submit"
    )
    base = rows[0]["per_s"]
    print(
        f"{'phase':<34} {'reports':>7} {'failed':>6} {'per s':>6} {'× 1':>5} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'errors':>6} {'lost':>4} {'bad':>4} {'stuck':>5}"
    )
    for row in rows:
        print(
            f"{row['phase']:<34} {row['reports']:>7} {row['failed']:>6} {row['per_s']:>6} "
            f"{row['per_s'] / base:>5.2f} {row['p50_ms']:>7} {row['p95_ms']:>7} "
            f"{row['visible_errors']:>6} {row['lost']:>4} {row['bad_sha256']:>4} "
            f"{row['stuck']:>5}"
        )
    print(
        "errors: client-visible answers (500/502/503/504, no answer) that the phone sent "
        "again with the same Idempotency-Key; lost: accepted reports not whole in the "
        "database afterwards; bad: files failing their SHA-256 re-read from the store; "
        "stuck: photos unprocessed or jobs queued three minutes after the phase"
    )


if __name__ == "__main__":
    main()
