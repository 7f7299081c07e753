"""B2 deadline spike through the REST API: weekly reports sent as a phone app sends them
(draft, five ~3 MB photos one request each, submit; every request with an Idempotency-Key)
at a fixed rate, then a burst of 200 liaisons at once; afterwards every report and every
file is checked by SHA-256.

  .venv/bin/python bench/b2_api_spike.py [--seconds 60] [--rate 5] [--burst 200]

The same stack, data, photos, baseline and checks as bench/b2_deadline_spike.py (whose
functions this imports): gunicorn (2 workers × 4 threads) + PostgreSQL, the demo county
plus 250 liaison units in next year's Safety Month, each liaison with a personal API token;
the API's rate limits are lifted for the run. The load comes from bench/api_spike_client.py
in its own process. A report's latency runs from its due time to the submit's answer. The
baseline is the storage backend writing the same bytes in-process. Disk: about 15 MB per
report (rate × seconds + burst reports); the files are deleted at the end.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import b1_page_floor as b1
import b2_deadline_spike as b2
from b7_video_upload import vm_hwm, workers

PHOTOS = 5
# The API allows 600 requests a minute per token, 60 per address: a benchmark is not to
# measure the throttle.
UNTHROTTLED = {"API_RATE_PER_MINUTE": "1000000", "API_ANON_RATE_PER_MINUTE": "1000000"}


def tokens(usernames: set[str]) -> dict[str, str]:
    """A personal API token for each liaison: {username: raw token}."""
    from anxuan.api.services import create_token
    from anxuan.orgs.models import Person

    return {
        person.username: create_token(actor=person, name="B2 基准")[1]
        for person in Person.objects.filter(username__in=usernames)
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    var, env = b1.demo_stack("b2-api")
    slots_by_unit = b2.prepare(env)
    photo_path = var / "base.jpg"
    photo_bytes = b2.base_photo(photo_path)
    baseline = b2.baseline_mb_s(photo_path.read_bytes(), 50)
    plan = b2.plan_reports(slots_by_unit, args.rate, args.seconds, args.burst)
    token = tokens({u for part in plan.values() for u, _p, _w in part})
    port = b1.free_port()
    server = b1.start_server({**env, **UNTHROTTLED}, port, pool=True)
    runs, failures = {}, {}
    try:
        pids = workers(server.pid)
        rss = {"start": {pid: vm_hwm(pid) for pid in pids}}
        for name, part in plan.items():
            jobs = [
                {"port": port, "token": token[u], "participant": p, "period": w} for u, p, w in part
            ]
            run = b2.run_client(
                "api_spike_client.py",
                jobs,
                var / f"{name}.json",
                photo_path,
                args,
                "--photos",
                str(PHOTOS),
            )
            runs[name] = {
                **b2.summary(run, ok_status=200),
                "resends": sum(r[4] for r in run["results"]),
                "connections": sum(r[5] for r in run["results"]),
            }
            failures[name] = run["failures"]
            print(f"  {name}: {runs[name]}", flush=True)
            rss[name] = {pid: vm_hwm(pid) for pid in pids}
    finally:
        b1.stop(server)

    submitted, files, bad = b2.verify()
    ok = sum(r["ok"] for r in runs.values())
    print(
        f"\nB2 deadline spike through the API — {os.cpu_count()} cores, gunicorn 2×4 threads, "
        f"PostgreSQL; draft + {PHOTOS} photos of {photo_bytes / 2**20:.1f} MB + submit per "
        "report, keep-alive per liaison"
    )
    b2.print_phases(runs, args)
    print(
        f"storage backend writing the same bytes (baseline): {baseline:.0f} MB/s; "
        f"burst / baseline = {runs['burst']['mb_s'] / baseline:.2f}"
    )
    print(
        f"after: {submitted} reports submitted in the database for {ok} successful sequences; "
        f"{files} files (expected {ok * PHOTOS}), {bad} failing their SHA-256"
    )
    resends = sum(r["resends"] for r in runs.values())
    connections = sum(r["connections"] for r in runs.values())
    requests = sum(r["requests"] for r in runs.values()) * (PHOTOS + 2)
    print(
        f"connections opened: {connections} for {requests} requests; requests resent on a "
        f"new connection with the same Idempotency-Key: {resends}"
    )
    print(
        "worker peak RSS at start → after steady → after burst (MB): "
        + " → ".join(str(rss[k]) for k in ("start", "steady", "burst"))
    )
    for name, lines in failures.items():
        for line in lines:
            print(f"  {name} failure: {line}")
    shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
