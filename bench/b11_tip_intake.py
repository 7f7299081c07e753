"""B11 public tip intake at a national rate: the 2022 national volume was about 210 000 tips
a year; a 50× peak hour is 210 000 / 8 760 × 50 ≈ 1 199 tips an hour (0.33 a second).

  .venv/bin/python bench/b11_tip_intake.py            # about 5 minutes
  .venv/bin/python bench/b11_tip_intake.py --long     # the peak rate for a whole hour

A fresh PostgreSQL database (anxuan_bench_b11), migrated, with the national organisation
tree of bench/national_data.py (31 provinces, ~330 cities, ~2 800 counties, ~38 000 towns,
~109 000 units; --scale), so tips route to county offices all over the country. Served as
`anxuan serve` serves it: gunicorn (2 workers × 4 threads, pooled connections, access log)
and the Huey worker (thumbnails), with Redis for the rate-limit counts and the queue. The
app's settings are the production ones except: the client's address is taken from
X-Forwarded-For sent from loopback (PROXY_CLIENT_IP_HEADER, as behind nginx), so every
reporter counts against the per-address limits with an address of its own; the CAPTCHA
check and every limit of the tips views stay on. /healthz's probe limit is lifted for the
baseline.

bench/tip_client.py (its own process) plays members of the public on phones: the form,
the place cascade, the CAPTCHA image, the POST (half with a ~3 MB photo carrying EXIF GPS,
half with a name and mobile, 2 % mistyping the code first). Phases: a warm-up; the 50×
peak rate (open model, 90 s, or an hour with --long); 10× and 100× that rate (open model,
30 s and 10 s of arrivals); then as fast as 16 reporters at once go (closed loop, 30 s) for
the headroom. Baseline in the same run, at the same 16 at once, before and after the
phases: /healthz (one query) and the login page (a form); and the storage backend writing
the photos' bytes in-process.

Afterwards, with the server stopped: 0 lost (the tips in the database are exactly those
whose receipt was answered: each receipt's HMAC finds its tip, routed to the county the
reporter chose, with the description, identity and photo sent: the sealed original
decrypts to the SHA-256 sent, the copy has no EXIF; services.follow opens a sample with
receipt and passphrase) and identity never in clear (no name, mobile or client address in
a pg_dump of the database, the server's logs or Redis). Prints the figures; writes
bench/out/b11.json.
"""

import argparse
import collections
import hashlib
import io
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import b1_page_floor as b1
import national_data as nd
from b7_video_upload import vm_hwm, workers

YEARLY = 210_000  # tips in 2022, nationally
PEAK_HOUR = YEARLY / 8_760 * 50  # a 50× peak hour: ≈ 1 199 tips
PEAK = PEAK_HOUR / 3_600  # tips a second
DB = "anxuan_bench_b11"
REDIS_DB = "redis://127.0.0.1:6379/13"  # a database of Redis no one else uses here
CONCURRENCY = 16
FOLLOW_SAMPLE = 100  # receipts also opened with services.follow (an Argon2 check each)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="the peak rate for 3 600 s")
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    parser.add_argument("--peak-seconds", type=float, default=90)
    parser.add_argument("--headroom-seconds", type=float, default=30, help="the closed loop")
    parser.add_argument("--scale", type=float, default=1.0, help="of the national tree")
    parser.add_argument("--photo-share", type=float, default=0.5)
    parser.add_argument("--identified-share", type=float, default=0.5)
    parser.add_argument("--typo-share", type=float, default=0.02)
    parser.add_argument("--no-worker", action="store_true", help="without the Huey worker")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.headroom = {"10x": 30.0, "100x": 10.0}
    if args.long:
        args.peak_seconds = 3_600
    if args.quick:
        args.peak_seconds, args.headroom_seconds = 15, 10
        args.headroom = {"10x": 10.0, "100x": 5.0}
    return args


# ---------------------------------------------------------------- the stack


def stack(args: argparse.Namespace) -> tuple[Path, dict]:
    """The database (migrated, the national tree), static files, the environment."""
    from cryptography.fernet import Fernet

    var = Path(tempfile.mkdtemp(prefix="anxuan-b11-"))
    env = {k: v for k, v in os.environ.items() if k not in {"LOG_LEVEL", "RATE_LIMITS"}}
    env.update(
        DATABASE_URL=f"{b1.PG}/{DB}",
        REDIS_URL=REDIS_DB,
        ANXUAN_VAR_DIR=str(var),
        FILE_UPLOAD_TEMP_DIR=str(var),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="anxuan.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        TIPS_IDENTITY_KEY=Fernet.generate_key().decode(),
        FORWARDED_ALLOW_IPS="127.0.0.1,::1",
        PROXY_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        HEALTHZ_RATE_PER_MINUTE="100000000",  # the baseline's probe, one address
    )
    import redis

    redis.Redis.from_url(REDIS_DB).flushdb()  # a new salt: no count left from a last run
    t0 = time.perf_counter()
    recreate_database()
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [b1.PY, "-m", "anxuan.cli", *command],
            env=env,
            cwd=b1.ROOT,
            check=True,
            capture_output=True,
        )
    print(f"  database migrated, static files collected: {time.perf_counter() - t0:.1f} s")
    os.environ.update(env, DB_POOL="0")
    import django

    django.setup()
    from django.db import transaction

    t0 = time.perf_counter()
    loader = nd.Loader()
    with transaction.atomic():
        tree = nd.build_tree(loader, random.Random(args.seed), args.scale)
        nd.load_orgs(loader, tree, nd.CREATED)
        loader.move_sequences()
    import psycopg

    with psycopg.connect(f"{b1.PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    args.tree = {
        "provinces": len(tree.provinces),
        "cities": len(tree.cities),
        "counties": len(tree.counties),
        "towns": sum(o.kind == "town" for o in tree.leaves),
        "organisations": len(tree.all()),
    }
    print(f"  national tree {args.tree}: {time.perf_counter() - t0:.1f} s", flush=True)
    return var, env


def recreate_database(create: bool = True) -> None:
    import psycopg

    with psycopg.connect(f"{b1.PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {DB}")


def start(env: dict, port: int, var: Path, worker: bool) -> list[subprocess.Popen]:
    """gunicorn and the Huey worker as `anxuan serve` starts them; waits for /healthz."""
    log = (var / "server.log").open("w")
    procs = [
        subprocess.Popen(
            [
                *(b1.PY, "-m", "gunicorn", "anxuan.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
                *("--access-logfile", str(var / "access.log"), "--graceful-timeout", "10"),
                *("--forwarded-allow-ips", env["FORWARDED_ALLOW_IPS"]),
            ],
            env={**env, "DB_POOL": "1"},
            cwd=b1.ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    if worker:
        procs.append(
            subprocess.Popen(
                [b1.PY, "-m", "django", "run_huey", "--quiet"],
                env={**env, "DB_POOL": "0"},
                cwd=b1.ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return procs
        except OSError:
            time.sleep(0.2)
    for proc in procs:
        b1.stop(proc)
    raise SystemExit("gunicorn did not start; see " + str(var / "server.log"))


def photo(path: Path) -> int:
    """A noisy 2 400 × 1 800 JPEG of about 3 MB with the EXIF a phone writes: make, model,
    time and GPS position (what the app must strip from the handlers' copy)."""
    from PIL import ExifTags, Image

    rng = random.Random(11)
    image = Image.frombytes(
        "RGB", (2400, 1800), bytes(rng.getrandbits(8) for _ in range(2400 * 1800 * 3))
    )
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "ALN-AL00"
    exif[ExifTags.Base.DateTime] = "2026:06:11 09:15:12"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 50.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, exif=exif)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def storage_baseline(data: bytes, files: int) -> float:
    """MB/s of the storage backend writing the same photo bytes in-process."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    t0 = time.perf_counter()
    names = [
        default_storage.save(f"baseline/{i}.jpg", ContentFile(data + os.urandom(16)))
        for i in range(files)
    ]
    seconds = time.perf_counter() - t0
    for name in names:
        default_storage.delete(name)
    return len(data) * files / 2**20 / seconds


# ---------------------------------------------------------------- the phases


def run_phase(args, var: Path, port: int, first: int, name: str, **mode) -> dict:
    out = var / f"{name}.json"
    command = [
        *(b1.PY, str(b1.ROOT / "bench" / "tip_client.py"), str(out)),
        *("--port", str(port), "--dsn", f"{b1.PG}/{DB}", "--photo", str(var / "photo.jpg")),
        *("--first", str(first), "--seed", str(args.seed), "--tag", str(args.tag)),
        *("--photo-share", str(args.photo_share), "--typo-share", str(args.typo_share)),
        *("--identified-share", str(args.identified_share)),
    ]
    for key, value in mode.items():
        command += [f"--{key}", str(value)]
    subprocess.run(command, check=True, timeout=mode["seconds"] + 400)
    return json.loads(out.read_text())


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1)


def summary(run: dict) -> dict:
    results = run["results"]
    ok = [r for r in results if r["ok"]]
    post = [r["t"]["post"] for r in ok]
    visit = [r["sequence"] for r in ok]
    errors = collections.Counter(r["error"][:60] for r in results if not r["ok"])
    return {
        "reporters": len(results),
        "tips": len(ok),
        "errors": len(results) - len(ok),
        "not_sent": run["not_sent"],
        "seconds": round(run["seconds"], 1),
        "tips_s": round(len(ok) / run["seconds"], 2),
        # form, 3 place levels, CAPTCHA, POST; a mistyped code adds a CAPTCHA and a POST
        "requests_s": round(sum(6 + 2 * r["typo"] for r in ok) / run["seconds"], 1),
        "post_ms": {p: pct(post, p / 100) for p in (50, 95, 99)},
        "post_photo_ms": [pct([r["t"]["post"] for r in ok if r["sha256"]], p) for p in (0.5, 0.95)],
        "post_text_ms": [
            pct([r["t"]["post"] for r in ok if not r["sha256"]], p) for p in (0.5, 0.95)
        ],
        "visit_ms": {p: pct(visit, p / 100) for p in (50, 95, 99)},
        "steps_ms": {  # p50 and p95 of each step (places: the three levels together)
            step: [pct([r["t"][step] for r in ok if step in r["t"]], p) for p in (0.5, 0.95)]
            for step in ("form", "places", "captcha", "post")
        },
        "client_lag_p95_ms": pct([r["lag"] for r in results], 0.95),
        "photo_mb_s": round(sum(r["photo_bytes"] for r in ok) / 2**20 / run["seconds"], 1),
        "typo_refused": sum(bool(r.get("typo_refused")) for r in results),
        "typos": sum(r["typo"] for r in results),
        "error_kinds": dict(errors.most_common(5)),
    }


def rss(procs: list[subprocess.Popen]) -> dict[str, str]:
    """Peak / current RSS (MB) of each gunicorn worker and of the Huey worker."""
    pids = {f"web{n + 1}": pid for n, pid in enumerate(workers(procs[0].pid))}
    if len(procs) > 1:
        pids["huey"] = procs[1].pid
    found = {}
    for name, pid in pids.items():
        status = Path(f"/proc/{pid}/status").read_text()
        now = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) // 1024
        found[name] = f"{vm_hwm(pid)}/{now}"
    return found


def wait_for_thumbnails(seconds: float) -> tuple[int, int]:
    from anxuan.tips.models import TipFile

    deadline = time.monotonic() + seconds
    while True:
        left = TipFile.objects.filter(processed_at=None).count()
        if not left or time.monotonic() > deadline:
            return TipFile.objects.count() - left, TipFile.objects.count()
        time.sleep(1)


# ---------------------------------------------------------------- after the run


def verify(ok: list[dict], follow_too: set[int]) -> dict:
    """Every answered receipt against the database, and nothing in it besides them."""
    from django.core.files.storage import default_storage
    from PIL import Image

    from anxuan.tips import evidence, identity, services
    from anxuan.tips.models import Tip, TipFile

    tips = {t.receipt_hash: t for t in Tip.objects.filter(channel="web")}
    files = collections.defaultdict(list)
    for f in TipFile.objects.all():
        files[f.tip_id].append(f)
    problems: collections.Counter = collections.Counter()
    followed = 0
    counties = set()
    for r in ok:
        tip = tips.pop(services.receipt_hash(r["receipt"]), None)
        if tip is None:
            problems["receipt finds no tip"] += 1
            continue
        counties.add(tip.office_id)
        if r["token"] not in tip.description:
            problems["another tip's text"] += 1
        if tip.office_id != r["county"] or tip.place_id != r["town"]:
            problems["routed elsewhere"] += 1
        if identity.unseal(tip.identity) != {"name": r["name"], "mobile": r["mobile"]}:
            problems["identity differs"] += 1
        if tip.identified != bool(r["name"]):
            problems["identified flag"] += 1
        kept = files.get(tip.pk, [])
        if len(kept) != (1 if r["sha256"] else 0):
            problems["files missing or extra"] += 1
        for f in kept:
            original = io.BytesIO()
            evidence.open_original(f, original)
            if hashlib.sha256(original.getvalue()).hexdigest() != r["sha256"]:
                problems["sealed original differs"] += 1
            with default_storage.open(f.storage_name, "rb") as copy:
                image = Image.open(copy)
                if image.getexif() or "exif" in image.info:
                    problems["EXIF left in the copy"] += 1
        if r["i"] in follow_too:
            if services.follow(r["receipt"], r["passphrase"]).pk != tip.pk:
                problems["follow opens another tip"] += 1
            followed += 1
    return {
        "tips_in_database": Tip.objects.filter(channel="web").count(),
        "receipts": len(ok),
        "not_answered": len(tips),  # in the database without a receipt answered
        "problems": dict(problems),
        "followed": followed,
        "photos_checked": sum(1 for r in ok if r["sha256"]),
        "counties": len(counties),
    }


ADDRESS = re.compile(r"198\.1[89]\.\d{1,3}\.\d{1,3}")
MOBILE = re.compile(r"199\d{8}")


def in_clear(text: str, names: set[str], mobiles: set[str]) -> dict:
    from tip_client import GIVEN

    return {
        "names": len(set(re.findall(f"欧阳[{GIVEN}]{{2}}", text)) & names),
        "mobiles": len(set(MOBILE.findall(text)) & mobiles),
        "addresses": len(set(ADDRESS.findall(text))),
    }


def identity_scan(var: Path, results: list[dict]) -> dict:
    """Names, mobiles and client addresses found in clear: in a pg_dump of the database,
    the server's logs (error and access), and every value in Redis."""
    import redis

    names = {r["name"] for r in results if r["name"]}
    mobiles = {r["mobile"] for r in results if r["mobile"]}
    dump = subprocess.run(
        ["pg_dump", "--data-only", "-h", "127.0.0.1", "-U", "postgres", DB],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    logs = "".join(p.read_text(errors="replace") for p in (var / "server.log", var / "access.log"))
    client = redis.Redis.from_url(REDIS_DB)
    values = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        if kind == "string":
            values.append(client.get(key) or b"")
        elif kind == "list":
            values += client.lrange(key, 0, -1)
        elif kind == "hash":
            values += [k + v for k, v in client.hgetall(key).items()]
        elif kind in ("set", "zset"):
            values += list(client.smembers(key) if kind == "set" else client.zrange(key, 0, -1))
        values.append(key)
    cached = b"\n".join(values).decode("latin-1")
    return {
        "sent": {"names": len(names), "mobiles": len(mobiles)},
        "pg_dump_mb": round(len(dump.encode()) / 2**20, 1),
        "pg_dump": in_clear(dump, names, mobiles),
        "logs": in_clear(logs, names, mobiles),
        "redis_keys": client.dbsize(),
        "redis": {  # mobiles and addresses are ASCII; names are not kept as text there
            "mobiles": len(set(MOBILE.findall(cached)) & mobiles),
            "addresses": len(set(ADDRESS.findall(cached))),
        },
    }


# ---------------------------------------------------------------- main


def limit_holds(port: int) -> list[int]:
    """The per-address limit of the public form is on: one address asks for the form
    eleven times (limit=10 an hour, tips.views.file_tip); the statuses."""
    statuses = []
    for _ in range(11):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/tips/new/", headers={"X-Forwarded-For": "198.19.255.254"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
    return statuses


def baselines(base: str) -> dict:
    """/healthz (one query) and the login page (a form), CONCURRENCY requests at once."""
    found = {
        path: b1.load("closed", base + path, "", 10, concurrency=CONCURRENCY)
        for path in ("/healthz", "/accounts/login/")
    }
    print(f"  baselines: {found}", flush=True)
    return found


def main() -> None:
    args = parse_args()
    args.tag = int(time.time()) % 100_000
    started = time.perf_counter()
    var, env = stack(args)
    found: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "tree": args.tree}
    found["photo_bytes"] = photo(var / "photo.jpg")
    found["storage_mb_s"] = storage_baseline((var / "photo.jpg").read_bytes(), 30)
    port = b1.free_port()
    procs = start(env, port, var, worker=not args.no_worker)
    base = f"http://127.0.0.1:{port}"
    phases = [
        ("warm-up", {"concurrency": 2, "seconds": 5}),
        ("peak", {"rate": PEAK, "seconds": args.peak_seconds}),
        ("10x", {"rate": 10 * PEAK, "seconds": args.headroom["10x"]}),
        ("100x", {"rate": 100 * PEAK, "seconds": args.headroom["100x"]}),
        ("saturation", {"concurrency": CONCURRENCY, "seconds": args.headroom_seconds}),
    ]
    runs: dict[str, dict] = {}
    found.update(phases={}, rss={"started": rss(procs)}, load={"start": os.getloadavg()})
    first = 0
    try:
        found["baselines"] = baselines(base)
        for name, mode in phases:
            runs[name] = run_phase(args, var, port, first, name, **mode)
            first += len(runs[name]["results"])
            found["phases"][name] = summary(runs[name])
            found["rss"][name] = rss(procs)
            found["load"][name] = os.getloadavg()
            print(f"  {name}: {found['phases'][name]}", flush=True)
        found["baselines_after"] = baselines(base)  # the machine may have changed meanwhile
        found["limit"] = limit_holds(port)
        found["thumbnails"] = wait_for_thumbnails(0 if args.no_worker else 90)
    finally:
        for proc in reversed(procs):
            b1.stop(proc)

    results = [r for run in runs.values() for r in run["results"]]
    ok = [r for r in results if r["ok"]]
    rng = random.Random(args.seed)
    peak_ok = {r["i"] for r in runs["peak"]["results"] if r["ok"]}
    follow_too = peak_ok | set(rng.sample([r["i"] for r in ok], min(FOLLOW_SAMPLE, len(ok))))
    found["verify"] = verify(ok, follow_too)
    found["identity"] = identity_scan(var, results)
    found["seconds"] = round(time.perf_counter() - started)
    report(args, found)
    import redis

    redis.Redis.from_url(REDIS_DB).flushdb()
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(create=False)
    shutil.rmtree(var, ignore_errors=True)


def report(args: argparse.Namespace, found: dict) -> None:
    phases, baselines, checked, scan = (
        found[k] for k in ("phases", "baselines", "verify", "identity")
    )
    sat = phases["saturation"]
    after = found["baselines_after"]
    healthz, healthz_after = baselines["/healthz"]["rps"], after["/healthz"]["rps"]
    login, login_after = baselines["/accounts/login/"]["rps"], after["/accounts/login/"]["rps"]
    tree = found["tree"]
    print(
        f"\nB11 public tip intake — {found['date']}, {os.cpu_count()} cores, gunicorn 2×4 "
        f"threads{'' if args.no_worker else ' + Huey worker'}, PostgreSQL, Redis; "
        f"{tree['organisations']:,} organisations ({tree['counties']:,} counties, "
        f"{tree['towns']:,} towns); load average at start {found['load']['start'][0]:.1f}"
    )
    print(
        f"national rate: {YEARLY:,} tips a year → a 50× peak hour is {PEAK_HOUR:,.0f} tips/h "
        f"= {PEAK:.3f} tips/s; {args.photo_share:.0%} with a "
        f"{found['photo_bytes'] / 2**20:.1f} MB photo, {args.identified_share:.0%} with name "
        f"and mobile, {args.typo_share:.0%} mistyping the code first"
    )
    header = (
        f"{'phase':<26} {'tips':>6} {'errors':>6} {'unsent':>6} {'tips/s':>7} "
        f"{'POST p50':>8} {'p95':>7} {'p99':>7} {'visit p50':>9} {'p95':>7} {'p99':>7}"
    )
    print(header)
    print("-" * len(header))
    labels = {
        "warm-up": "warm-up, 2 at once",
        "peak": f"50× peak, {PEAK:.3f}/s open",
        "10x": f"10× that, {10 * PEAK:.2f}/s open",
        "100x": f"100× that, {100 * PEAK:.1f}/s open",
        "saturation": f"{CONCURRENCY} at once (closed)",
    }
    for name, s in phases.items():
        print(
            f"{labels[name]:<26} {s['tips']:>6} {s['errors']:>6} {s['not_sent']:>6} "
            f"{s['tips_s']:>7} {s['post_ms'][50]:>8} {s['post_ms'][95]:>7} "
            f"{s['post_ms'][99]:>7} {s['visit_ms'][50]:>9} {s['visit_ms'][95]:>7} "
            f"{s['visit_ms'][99]:>7}"
        )
    peak = phases["peak"]
    print(
        "(ms; a visit is the form, 3 place levels, the CAPTCHA and the POST, timed from its "
        f"due time.) At peak, p50/p95 per step: {peak['steps_ms']}; POST p50/p95 with a "
        f"photo {peak['post_photo_ms']}, without {peak['post_text_ms']}"
    )
    print(
        f"headroom: {sat['tips_s']} tips/s at saturation = {sat['tips_s'] / PEAK:.0f}× the 50× "
        f"peak rate ({sat['tips_s'] * 3600:,.0f} tips/h); POST p50/p95 there with a photo "
        f"{sat['post_photo_ms']}, without {sat['post_text_ms']}"
    )
    print(
        f"baseline, {CONCURRENCY} at once, before / after the phases: /healthz {healthz} / "
        f"{healthz_after} req/s, login page {login} / {login_after} req/s; the visits' "
        f"requests at saturation {sat['requests_s']} req/s = "
        f"{sat['requests_s'] / healthz:.2f} / {sat['requests_s'] / healthz_after:.2f}× "
        f"/healthz, {sat['requests_s'] / login:.2f} / {sat['requests_s'] / login_after:.2f}× "
        "the login page"
    )
    print(
        f"photos at saturation {sat['photo_mb_s']} MB/s; the storage backend writing the same "
        f"bytes {found['storage_mb_s']:.0f} MB/s ({sat['photo_mb_s'] / found['storage_mb_s']:.3f}×)"
    )
    typos = sum(s["typos"] for s in phases.values())
    refused = sum(s["typo_refused"] for s in phases.values())
    print(
        f"after: {checked['tips_in_database']} tips in the database for {checked['receipts']} "
        f"receipts answered; {checked['not_answered']} without a receipt; problems "
        f"{checked['problems'] or 'none'}; {checked['photos_checked']} photos' sealed originals "
        f"checked against the SHA-256 sent, copies checked for EXIF; {checked['followed']} "
        f"receipts opened with services.follow; routed to {checked['counties']} county "
        f"offices; mistyped codes refused {refused} of {typos}; one address asking for the "
        f"form 11 times: {found['limit']}"
    )
    print(
        f"identity in clear ({scan['sent']['names']} names, {scan['sent']['mobiles']} mobiles, "
        f"one client address per reporter sent): pg_dump ({scan['pg_dump_mb']} MB) "
        f"{scan['pg_dump']}, server logs {scan['logs']}, Redis ({scan['redis_keys']} keys) "
        f"{scan['redis']}"
    )
    made, files = found["thumbnails"]
    print(f"thumbnails made by the worker: {made} of {files}")
    print("server RSS, peak / now (MB):")
    for moment, procs in found["rss"].items():
        print(f"  {moment:<12} " + ", ".join(f"{k} {v}" for k, v in procs.items()))
    print(f"load average after each phase: {found['load']}")
    print(f"total {found['seconds']} s")
    out = b1.ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "b11.json").write_text(json.dumps(found, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
