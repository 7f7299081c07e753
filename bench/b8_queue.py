"""B8 the job queue: Huey as settings.HUEY configures it, on SQLite (no REDIS_URL) and on
Redis, against calling the same function in-process.

  .venv/bin/python bench/b8_queue.py                  # both queues, about 4 minutes
  .venv/bin/python bench/b8_queue.py --queues sqlite  # one queue
  .venv/bin/python bench/b8_queue.py --quick          # a smoke run (the kill test still
                                                      # waits a minute for the sweeper)

A private ANXUAN_VAR_DIR (--var, default /tmp/b8-var, deleted before and after unless
--keep), migrated once; each queue gets a copy of that SQLite database, its own queue file
(SQLite) or its own Redis database (--redis-db, default 9: only that one is flushed, before
and after). The worker is the project's consumer command, `python -m django run_huey` as
`anxuan serve` starts it (2 worker threads, settings.HUEY), in its own process group, through
bench/b8_consumer.py, which imports the bench's tasks (bench/b8_tasks.py) first. Per queue,
in a child process with that queue's environment:

  1. Throughput, end to end from the first enqueue to the last completion (the jobs'
     own timestamps), worker started and warm: --jobs empty jobs (`b8_tasks.tick`: a row
     in a side SQLite file on a kept connection, so the queue's own cost), --jobs no-op
     jobs (`b8_tasks.noop`, a db_task: one row written in the app's database, keyed by the
     job number) and --thumbs thumbnail jobs (the project's `core.tasks.process_stored_file`
     on shared materials with a 3 MP JPEG each). Baseline in the same run: the same
     functions called in-process, one after the other, as the worker calls them (for
     db_tasks, Django's connection closed around each call).
  2. Enqueue latency as a view pays it: each `task(...)` call timed, p50/p95/p99/max in
     ms, (a) for the throughput burst (back to back while the worker drains) and (b) paced
     at --rate calls a second for --paced-seconds (the request rate of a busy site).
  3. kill -9: --kill-jobs jobs queued, half no-op jobs (pause --kill-pause s), half
     thumbnails; a worker started with a ledger (every run's start and end, per job), its
     process group killed with SIGKILL once a third is done and while jobs run; a new
     worker started (STORED_FILE_RETRY_MINUTES=1, so the project's sweeper of unfinished
     files, decision 0019, acts after a minute too); the queue gives the killed worker's
     tasks back once its alive mark lapses (core.queue, decision 0027); waited for, at
     most --kill-timeout s.
     Printed: jobs in flight at the kill, jobs lost (never finished), jobs that ran twice at
     once (overlapping runs in the ledger; a killed run ends at the kill) and jobs that ran
     more than once in total (at-least-once allows it).

Prints the figures and writes bench/out/b8.json. Exit status 1 when a job was lost or ran
twice at once (the project's guarantees).
"""

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
PY = sys.executable
CONSUMER = BENCH / "b8_consumer.py"
OUT = BENCH / "out" / "b8.json"
MARK = "B8RESULT "
KINDS = {"noop", "thumb"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queues", default="sqlite,redis", help="sqlite,redis (both)")
    parser.add_argument("--jobs", type=int, default=2000, help="no-op jobs for throughput")
    parser.add_argument("--thumbs", type=int, default=200, help="thumbnail jobs for throughput")
    parser.add_argument("--rate", type=float, default=200, help="paced enqueues per second")
    parser.add_argument("--paced-seconds", type=float, default=5)
    parser.add_argument("--kill-jobs", type=int, default=300, help="jobs of the kill -9 test")
    parser.add_argument("--kill-pause", type=float, default=0.02, help="a kill-test no-op's s")
    parser.add_argument("--kill-timeout", type=float, default=180, help="s to wait after it")
    parser.add_argument("--workers", type=int, default=None, help="worker threads (settings)")
    parser.add_argument(
        "--var",
        default="/tmp/b8-var",  # noqa: S108 - the benchmark's own files, deleted afterwards
        help="private ANXUAN_VAR_DIR root",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=9, help="flushed before and after")
    parser.add_argument("--quick", action="store_true", help="small counts (a smoke run)")
    parser.add_argument("--keep", action="store_true", help="keep --var afterwards")
    parser.add_argument("--child", choices=["sqlite", "redis"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.jobs, args.thumbs, args.kill_jobs, args.paced_seconds = 300, 40, 60, 2
    return args


def say(line: str) -> None:
    print(f"b8: {line}", file=sys.stderr, flush=True)


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * 1000

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1] * 1000}


# --- the child: one queue, Django set up with that queue's environment ---------------------


class Worker:
    """`run_huey` in its own process group, killed with it."""

    def __init__(self, var: Path, name: str, workers: int | None, env: dict | None = None):
        argv = [PY, str(CONSUMER), "--quiet"]
        if workers:
            argv += ["--workers", str(workers)]
        self.log = open(var / f"worker-{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.proc.pid

    def kill9(self) -> None:
        os.killpg(self.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.pid, signal.SIGINT)  # Huey's graceful stop
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(BENCH))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    import django

    django.setup()
    import b8_tasks
    from django.conf import settings
    from django.db import connection
    from huey.contrib.djhuey import HUEY

    from anxuan.core import files
    from anxuan.core.tasks import process_stored_file
    from anxuan.integrity.models import SharedMaterial
    from anxuan.orgs import services as org_services

    var = Path(settings.VAR_DIR)
    label = SharedMaterial._meta.label
    workers: list[Worker] = []

    def sql(query: str, params: tuple = ()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def wait_for(condition, seconds: float, what: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if result := condition():
                return result
            time.sleep(0.02)  # polling with a deadline
        raise SystemExit(f"b8: timed out after {seconds:.0f} s waiting for {what}")

    def noops_done() -> tuple[int, float | None]:
        count, last = sql("SELECT COUNT(*), MAX(at) FROM b8_done WHERE job >= 0")[0]
        return count, last

    def thumbs_done(pks: list[int]) -> tuple[int, float | None]:
        rows = SharedMaterial.objects.filter(pk__in=pks).exclude(processed_at=None)
        stamps = list(rows.values_list("processed_at", flat=True))
        return len(stamps), max(stamps).timestamp() if stamps else None

    def reset_thumbs(pks: list[int]) -> None:
        SharedMaterial.objects.filter(pk__in=pks).update(
            thumbnail="", taken_at=None, processed_at=None, process_attempts=0
        )
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "thumbs", ignore_errors=True)

    def start_worker(name: str, env: dict | None = None) -> Worker:
        worker = Worker(var, name, args.workers, env)
        workers.append(worker)
        return worker

    def warm(worker: Worker, number: int) -> None:
        """Started and taking jobs: a job of its own done (negative job numbers)."""
        b8_tasks.noop(-number)
        wait_for(lambda: sql("SELECT 1 FROM b8_done WHERE job = %s", (-number,)), 60, "a worker")

    result: dict = {"queue": args.child, "huey_class": settings.HUEY["huey_class"]}
    result["worker_threads"] = args.workers or settings.HUEY["consumer"]["workers"]
    try:
        sql(b8_tasks.DONE_TABLE)
        HUEY.flush()
        office = org_services.create_organization(
            actor=None, name="B8 office", kind="nation", parent=None, region_code=None
        )
        person, _password = org_services.create_person(
            actor=None,
            username="b8",
            full_name="B8",
            mobile=None,
            organization=office,
            role="office_admin",
            password="b8-bench-password-1",  # noqa: S106 - a scratch database's login
        )
        photos = [photo(seed) for seed in range(6)]

        def materials(count: int) -> list[int]:
            import io

            made = []
            for n in range(count):
                data = io.BytesIO(photos[n % len(photos)])
                inspected = files.inspect_upload(data, f"photo-{n}.jpg")
                fields = files.stored_fields((data, f"photo-{n}.jpg", inspected))
                made.append(
                    SharedMaterial.objects.create(
                        owner=office, title=f"B8 {n}", added_by=person, **fields
                    ).pk
                )
            return made

        thumbs = materials(args.thumbs)

        # 1. In-process: the same functions, one after the other, as the worker calls them.
        ticks = b8_tasks.ticks_db()

        def ticks_done() -> tuple[int, float | None]:
            return ticks.execute("SELECT COUNT(*), MAX(at) FROM ticks WHERE job >= 0").fetchone()

        def in_process(call, count: int) -> float:
            started = time.perf_counter()
            for n in range(count):
                call(n)
            return count / (time.perf_counter() - started)

        ticks.execute("DELETE FROM ticks")
        sql("DELETE FROM b8_done")
        reset_thumbs(thumbs)
        result["in_process"] = {
            "tick": in_process(b8_tasks.tick.func, args.jobs),
            # db_task's wrapper, as the worker calls it: Django's connection closed around it
            "noop": in_process(b8_tasks.noop.func, args.jobs),
            "thumb": in_process(lambda n: process_stored_file.func(label, thumbs[n]), len(thumbs)),
        }
        sql("DELETE FROM b8_done")
        result["in_process"]["noop_bare"] = in_process(b8_tasks.noop.call_local, args.jobs)
        say(f"{args.child}: in-process {result['in_process']}")

        # 1 and 2a. Through the queue, the worker warm; every enqueue timed.
        ticks.execute("DELETE FROM ticks")
        sql("DELETE FROM b8_done")
        reset_thumbs(thumbs)
        began = time.monotonic()
        worker = start_worker("throughput")
        warm(worker, 1)
        result["worker_start_s"] = time.monotonic() - began
        rates, burst = {}, {}
        for kind, enqueue, finished, count in (
            ("tick", b8_tasks.tick, ticks_done, args.jobs),
            ("noop", b8_tasks.noop, noops_done, args.jobs),
            (
                "thumb",
                lambda n: process_stored_file(label, thumbs[n]),
                lambda: thumbs_done(thumbs),
                len(thumbs),
            ),
        ):
            warm(worker, 2 + len(rates))
            timings = []
            first = time.time()
            for n in range(count):
                began = time.perf_counter()
                enqueue(n)
                timings.append(time.perf_counter() - began)
            burst[kind] = {"per_s": count / (time.time() - first), **percentiles(timings)}
            wait_for(lambda: finished()[0] >= count, 300, f"the {kind} jobs")  # noqa: B023
            done, last = finished()
            rates[kind] = done / (last - first)
            say(f"{args.child}: {rates[kind]:.1f} {kind} jobs/s through the queue")
        result["queue"] = rates
        result["burst"] = burst

        # 2b. Enqueues paced at --rate a second, as requests arrive, the worker draining.
        warm(worker, 9)
        paced: list[float] = []
        calls = int(args.rate * args.paced_seconds)
        begin = time.perf_counter()
        for n in range(calls):
            time.sleep(max(0.0, begin + n / args.rate - time.perf_counter()))
            began = time.perf_counter()
            b8_tasks.noop(args.jobs + n)
            paced.append(time.perf_counter() - began)
        wait_for(lambda: noops_done()[0] >= args.jobs + calls, 120, "the paced jobs")
        result["enqueue_ms"] = {"burst": burst["noop"], "paced": percentiles(paced)}
        result["paced_rate"] = args.rate
        worker.stop()
        say(f"{args.child}: enqueue p99 {result['enqueue_ms']['paced']['p99']:.2f} ms paced")

        # 3. kill -9 while jobs run, then a new worker.
        result["kill"] = kill_test(args, sql, materials, start_worker, HUEY, b8_tasks)
    finally:
        for worker in workers:
            if worker.proc.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.proc.wait()
    print(MARK + json.dumps(result), flush=True)


def kill_test(args, sql, materials, start_worker, huey, b8_tasks) -> dict:
    from django.conf import settings

    from anxuan.core.tasks import process_stored_file
    from anxuan.integrity.models import SharedMaterial

    label = SharedMaterial._meta.label
    ledger_path = Path(settings.VAR_DIR) / "ledger.sqlite3"
    ledger_path.unlink(missing_ok=True)
    ledger = b8_tasks.open_ledger(str(ledger_path))
    env = {"B8_LEDGER": str(ledger_path), "STORED_FILE_RETRY_MINUTES": "1"}
    half = args.kill_jobs // 2
    sql("DELETE FROM b8_done")
    thumbs = materials(args.kill_jobs - half)
    noops = list(range(half))
    for n in range(max(half, len(thumbs))):  # interleaved
        if n < half:
            b8_tasks.noop(n, args.kill_pause)
        if n < len(thumbs):
            process_stored_file(label, thumbs[n])
    total = half + len(thumbs)

    def done() -> tuple[int, int]:
        noop_count = sql("SELECT COUNT(*) FROM b8_done WHERE job >= 0")[0][0]
        thumb_count = SharedMaterial.objects.filter(pk__in=thumbs).exclude(processed_at=None)
        return noop_count, thumb_count.count()

    def finished_work(job: str) -> bool:
        """The job's work is in the database (it may end between that and its signal)."""
        kind, number = job.split(":")
        if kind == "noop":
            return bool(sql("SELECT 1 FROM b8_done WHERE job = %s", (int(number),)))
        return SharedMaterial.objects.filter(pk=int(number)).exclude(processed_at=None).exists()

    def open_runs(pid: int) -> set[str]:
        """The kinds of the bench's jobs ("noop", "thumb") running in the worker `pid`, their
        work not yet written."""
        query = "SELECT job FROM runs WHERE pid = ? AND finished IS NULL"
        jobs = [job for (job,) in ledger.execute(query, (pid,)) if job.split(":")[0] in KINDS]
        return {job.split(":")[0] for job in jobs if not finished_work(job)}

    # Killed once a third is done, while jobs run: both kinds if that comes within 2 s.
    # (An open run found here may still end before the kill: counted again after it.)
    first = start_worker("kill-first", env)
    deadline = time.monotonic() + 120
    third_at = None
    while time.monotonic() < deadline:
        if third_at is None and sum(done()) >= total // 3:
            third_at = time.monotonic()
        if third_at is not None:
            running = open_runs(first.pid)
            if running == KINDS or (running and time.monotonic() - third_at > 2):
                break
        time.sleep(0.01)  # polling with a deadline
    else:
        raise SystemExit("b8: the first worker did not get a third of the kill test done")
    first.kill9()
    killed_at = time.time()
    at_kill = done()
    in_flight = ledger.execute(
        "SELECT job FROM runs WHERE pid = ? AND finished IS NULL", (first.pid,)
    ).fetchall()
    in_flight = [(job,) for (job,) in in_flight if job.split(":")[0] in KINDS]

    unfinished = [job for (job,) in in_flight if not finished_work(job)]
    say(
        f"{args.child}: kill -9 at {sum(at_kill)}/{total} done, in flight: "
        + (", ".join(job for (job,) in in_flight) or "none")
        + f" (unfinished: {', '.join(unfinished) or 'none'})"
    )

    second = start_worker("kill-second", env)
    deadline = time.monotonic() + args.kill_timeout
    idle_since = None
    next_note = time.monotonic() + 15
    while time.monotonic() < deadline:
        noop_count, thumb_count = done()
        if noop_count + thumb_count >= total:
            break
        # Only no-ops missing and nothing queued, running or held in flight for the dead
        # worker (decision 0027 gives those back after its lease): they will not come back.
        quiet = thumb_count >= len(thumbs) and huey.pending_count() == 0
        quiet = quiet and huey.storage.in_flight_size() == 0
        quiet = quiet and not open_runs(second.pid)
        idle_since = (idle_since or time.monotonic()) if quiet else None
        if idle_since and time.monotonic() - idle_since > 3:
            break
        if time.monotonic() > next_note:
            say(
                f"{args.child}: waiting, {noop_count}/{half} no-ops, "
                f"{thumb_count}/{len(thumbs)} thumbnails, {time.time() - killed_at:.0f} s"
            )
            next_note += 15
        time.sleep(0.1)  # polling with a deadline
    waited = time.time() - killed_at
    second.stop()
    noop_count, thumb_count = done()
    stamps = SharedMaterial.objects.filter(pk__in=thumbs).exclude(processed_at=None)
    last_thumb = max(stamps.values_list("processed_at", flat=True)).timestamp()

    runs: dict[str, list[tuple[float, float, int, str | None]]] = {}
    sweeps = [
        round(started - killed_at, 1)
        for (started,) in ledger.execute(
            "SELECT started FROM runs WHERE job = 'requeue_unprocessed_files' AND pid = ?",
            (second.pid,),
        )
    ]
    for job, pid, started, finished, outcome in ledger.execute(
        "SELECT job, pid, started, finished, outcome FROM runs ORDER BY started"
    ):
        if job.split(":")[0] not in KINDS:
            continue
        end = finished if finished is not None else killed_at if pid == first.pid else 1e18
        runs.setdefault(job, []).append((started, end, pid, outcome))
    at_once = []
    for job, spans in runs.items():
        reach = spans[0][1]
        for started, end, _pid, _outcome in spans[1:]:
            if started < reach:
                at_once.append(job)
                break
            reach = max(reach, end)
    more_than_once = sorted(job for job, spans in runs.items() if len(spans) > 1)
    errors = sum(1 for spans in runs.values() for span in spans if span[3] == "error")
    attempts = SharedMaterial.objects.filter(pk__in=thumbs, process_attempts__gt=1).count()
    noop_lost = sorted(
        set(noops) - {job for (job,) in sql("SELECT job FROM b8_done WHERE job >= 0")}
    )
    return {
        "jobs": total,
        "noops": half,
        "thumbs": len(thumbs),
        "done_at_kill": sum(at_kill),
        "in_flight_at_kill": [job for (job,) in in_flight],
        "unfinished_at_kill": unfinished,
        "lost_thumbs": len(thumbs) - thumb_count,
        "lost_noops": len(noop_lost),
        "lost_noop_jobs": noop_lost,
        "twice_at_once": at_once,
        "more_than_once": more_than_once,
        "thumbs_with_attempts_over_1": attempts,
        "errors": errors,
        "last_thumb_after_kill_s": last_thumb - killed_at,
        "waited_s": waited,
        "sweeper_runs_after_kill_s": sweeps,
        "never_started": sorted(
            ({f"noop:{n}" for n in noops} | {f"thumb:{pk}" for pk in thumbs}) - set(runs)
        ),
    }


def photo(seed: int) -> bytes:
    """A 2 000 × 1 500 JPEG (about 300 kB, a phone's photo scaled down), different per seed."""
    import io

    from PIL import Image

    size = (2000, 1500)
    gradient = Image.linear_gradient("L").rotate(seed * 37).resize(size)
    radial = Image.radial_gradient("L").resize(size)
    noise = Image.effect_noise(size, 20 + seed)
    buffer = io.BytesIO()
    Image.merge("RGB", (gradient, radial, noise)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# --- the parent: scratch folders, one child per queue, the report ---------------------------


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    for name in ("HUEY_IMMEDIATE", "STORED_FILE_RETRY_MINUTES", "B8_LEDGER", "DEBUG"):
        env.pop(name, None)
    return {**env, "DJANGO_SETTINGS_MODULE": "anxuan.settings"}


def redis_client(args: argparse.Namespace):
    import redis

    return redis.Redis.from_url(f"{args.redis_url.rstrip('/')}/{args.redis_db}")


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    var = Path(args.var)
    shutil.rmtree(var, ignore_errors=True)
    base = var / "base"
    results = {}
    try:
        started = time.monotonic()
        base.mkdir(parents=True)
        say(f"migrating a fresh SQLite database in {base}")
        env = {**clean_env(), "ANXUAN_VAR_DIR": str(base)}
        subprocess.run([PY, "-m", "anxuan.cli", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        for queue in queues:
            folder = var / queue
            folder.mkdir()
            source = sqlite3.connect(base / "anxuan.sqlite3")
            target = sqlite3.connect(folder / "anxuan.sqlite3")
            source.backup(target)
            source.close()
            target.close()
            shutil.copy(base / "secret_key", folder / "secret_key")
            env = {**clean_env(), "ANXUAN_VAR_DIR": str(folder)}
            if queue == "redis":
                redis_client(args).flushdb()
                env["REDIS_URL"] = f"{args.redis_url.rstrip('/')}/{args.redis_db}"
            say(f"{queue}: running (ANXUAN_VAR_DIR={folder})")
            options = [
                *("--jobs", str(args.jobs), "--thumbs", str(args.thumbs)),
                *("--rate", str(args.rate), "--paced-seconds", str(args.paced_seconds)),
                *("--kill-jobs", str(args.kill_jobs), "--kill-pause", str(args.kill_pause)),
                *("--kill-timeout", str(args.kill_timeout)),
                *(("--workers", str(args.workers)) if args.workers else ()),
            ]
            done = subprocess.run(
                [PY, __file__, "--child", queue, *options],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
                check=False,
            )
            lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
            if done.returncode or not lines:
                raise SystemExit(f"b8: the {queue} run failed (exit {done.returncode})")
            results[queue] = json.loads(lines[-1][len(MARK) :])
        results["seconds"] = time.monotonic() - started
    finally:
        if "redis" in queues:
            try:
                redis_client(args).flushdb()
            except Exception as error:
                say(f"could not flush Redis db {args.redis_db}: {error}")
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2))
    report(args, results, queues)
    kills = [results[q]["kill"] for q in queues]
    if any(k["lost_thumbs"] or k["lost_noops"] or k["twice_at_once"] for k in kills):
        sys.exit(1)


def report(args: argparse.Namespace, results: dict, queues: list[str]) -> None:
    import huey

    first = results[queues[0]]
    print(
        f"\nB8 the job queue: Huey {huey.__version__}, {first['worker_threads']} worker threads"
        f" (settings.HUEY), the app's database SQLite, {os.cpu_count()} cores;"
        f" {results['seconds']:.0f} s in all"
    )
    names = {"sqlite": "SQLite queue", "redis": "Redis queue"}
    print("\nThroughput, first enqueue to last completion, jobs/s (ratio to in-process):")
    header = "| job | in-process |" + "".join(f" {names[q]} | ratio |" for q in queues)
    print(header)
    print("|---|---:|" + "---:|---:|" * len(queues))
    for kind, label, count in (
        ("tick", "empty job (`tick`: a row in a side file)", args.jobs),
        ("noop", "no-op (`noop`: a row in the app's database)", args.jobs),
        ("thumb", "thumbnail of a 3 MP JPEG (`process_stored_file`)", args.thumbs),
    ):
        base = " / ".join(f"{results[q]['in_process'][kind]:.0f}" for q in queues)
        cells = "".join(
            f" {results[q]['queue'][kind]:.0f} |"
            f" {results[q]['queue'][kind] / results[q]['in_process'][kind]:.2f} |"
            for q in queues
        )
        print(f"| {label}, {count} jobs | {base} |{cells}")
    bare = " / ".join(f"{results[q]['in_process']['noop_bare']:.0f}" for q in queues)
    print(
        "(in-process: measured in each queue's run, one call after the other; the bare `noop`"
        f" function, Django's connection kept: {bare}/s. Enqueue rate of the bursts, tick /"
        " noop / thumb: "
        + "; ".join(
            f"{names[q]} "
            + " / ".join(
                f"{results[q]['burst'][k]['per_s']:.0f}" for k in ("tick", "noop", "thumb")
            )
            for q in queues
        )
        + "/s. Worker start to first job done: "
        + ", ".join(f"{names[q]} {results[q]['worker_start_s']:.1f} s" for q in queues)
        + ")"
    )
    print("\nEnqueue latency of `task(...)`, ms p50 / p95 / p99 / max:")
    print("| |" + "".join(f" {names[q]} |" for q in queues))
    print("|---|" + "---|" * len(queues))
    for key, label in (
        ("burst", f"burst: {args.jobs} back to back, worker draining"),
        ("paced", f"paced: {args.rate:.0f}/s for {args.paced_seconds:.0f} s (as requests come)"),
    ):
        cells = "".join(
            " {p50:.2f} / {p95:.2f} / {p99:.2f} / {max:.1f} |".format(
                **results[q]["enqueue_ms"][key]
            )
            for q in queues
        )
        print(f"| {label} |{cells}")
    print("\nkill -9 of the worker's process group mid-run, then a new worker:")
    print("| |" + "".join(f" {names[q]} |" for q in queues))
    print("|---|" + "---|" * len(queues))
    rows = (
        ("jobs (no-ops / thumbnails)", lambda k: f"{k['jobs']} ({k['noops']} / {k['thumbs']})"),
        ("done at the kill", lambda k: str(k["done_at_kill"])),
        ("started, not ended, at the kill", lambda k: ", ".join(k["in_flight_at_kill"]) or "-"),
        ("of those, work not yet written", lambda k: ", ".join(k["unfinished_at_kill"]) or "-"),
        ("lost thumbnails", lambda k: str(k["lost_thumbs"])),
        ("lost no-ops (no sweeper of their own)", lambda k: str(k["lost_noops"])),
        ("ran twice at once", lambda k: str(len(k["twice_at_once"]))),
        ("ran more than once in total", lambda k: str(len(k["more_than_once"]))),
        ("task errors", lambda k: str(k["errors"])),
        ("last thumbnail done, s after the kill", lambda k: f"{k['last_thumb_after_kill_s']:.0f}"),
    )
    for label, cell in rows:
        print(f"| {label} |" + "".join(f" {cell(results[q]['kill'])} |" for q in queues))
    for q in queues:
        kill = results[q]["kill"]
        if kill["more_than_once"] or kill["lost_noop_jobs"] or kill["twice_at_once"]:
            print(
                f"{names[q]}: lost no-ops {kill['lost_noop_jobs']}, twice at once"
                f" {kill['twice_at_once']}, more than once {kill['more_than_once']}"
            )
    print(f"\nwritten: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
