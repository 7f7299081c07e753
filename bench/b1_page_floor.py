"""B1 page floor: pages against a one-query view, gunicorn + pooled PostgreSQL.

  .venv/bin/python bench/b1_page_floor.py [--quick]

Builds the demo county in a fresh PostgreSQL database (anxuan_bench), serves it with
gunicorn as `anxuan serve` does, and drives it from a separate load-generator process
(bench/loadgen.py): a closed-loop probe finds each page's saturation, then an open model
at half of it gives p50/p95/p99. Also counts SQL queries per page at 10 and 100 rows, and
the one-query view with the connection pool off. Prints a table; writes bench/out/b1.json.
Times are in Asia/Shanghai (Django's setup sets the process time zone).
"""

import argparse
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DB = "anxuan_bench"
PG = "postgres://postgres@127.0.0.1:5432"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")


def demo_stack(name: str) -> tuple[Path, dict]:
    """A fresh database with the demo county, migrated and with collected static files;
    returns the scratch folder and the environment to run the app with."""
    var = Path(tempfile.mkdtemp(prefix=f"anxuan-{name}-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "ANXUAN_VAR_DIR": str(var),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
        "FILE_UPLOAD_TEMP_DIR": str(var),
        "RATE_LIMITS": "off",  # one address loads the pages and /healthz thousands of times
    }
    recreate_database()
    for command in (["migrate", "-v0"], ["demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [PY, "-m", "anxuan.cli", *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    return var, env


def start_server(env: dict, port: int, pool: bool) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "anxuan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env={**env, "DB_POOL": "1" if pool else "0"},
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def session_cookie(port: int, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    opener.open(f"{base}/accounts/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login as {username} failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def load(mode: str, url: str, cookie: str, seconds: float, **kw) -> dict:
    args = [
        PY,
        str(ROOT / "bench" / "loadgen.py"),
        mode,
        url,
        "--cookie",
        cookie,
        "--seconds",
        str(seconds),
    ]
    for key, value in kw.items():
        args += [f"--{key}", str(value)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return json.loads(out.stdout)


def prepare_data(env: dict) -> dict:
    """Demo county plus units for the row-count pages; returns their ids and query counts."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from anxuan.orgs.enums import OrgKind
    from anxuan.orgs.models import Organization, Person
    from anxuan.orgs.services import create_organization

    county = Organization.objects.get(name="高台县")
    office = Person.objects.get(username="office")
    lists = {}
    for rows in (10, 50, 100):
        parent = create_organization(
            actor=office, name=f"基准单位{rows}", kind=OrgKind.OTHER, parent=county
        )
        for i in range(rows):
            create_organization(
                actor=office, name=f"企业{rows}-{i}", kind=OrgKind.ENTERPRISE, parent=parent
            )
        lists[rows] = parent.pk
    client = Client()
    client.force_login(office)
    queries = {}
    for rows in (10, 100):
        path = f"/orgs/{lists[rows]}/"
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        queries[rows] = len(ctx.captured_queries)
    return {"lists": lists, "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short phases (about 45 s)")
    args = parser.parse_args()
    probe_s, open_s = (2, 4) if args.quick else (5, 12)
    _var, env = demo_stack("b1")
    data = prepare_data(env)
    import psycopg

    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # fresh data: give the planner its statistics
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(), "pages": []}
    server = start_server(env, port, pool=True)
    try:
        office = session_cookie(port, "office", "anxuan2026")
        liaison = session_cookie(port, "liaison", "anxuan2026")
        pages = [
            ("one-query view /healthz (baseline)", "/healthz", ""),
            ("liaison home /", "/", liaison),
            ("office organisation tree /orgs/", "/orgs/", office),
            ("office list of 50 units /orgs/<id>/", f"/orgs/{data['lists'][50]}/", office),
        ]
        for name, path, cookie in pages:
            load("closed", base + path, cookie, 1, concurrency=8)  # warm up
            # Saturation: the best of a few in-flight levels (threads past the core count
            # only add GIL contention for CPU-bound pages).
            sat = max(
                (load("closed", base + path, cookie, probe_s, concurrency=c) for c in (4, 8, 16)),
                key=lambda r: r["rps"],
            )
            half = load("open", base + path, cookie, open_s, rate=max(1, sat["rps"] / 2))
            results["pages"].append({"name": name, "saturation": sat, "half": half})
            print(
                f"  {name}: {sat['rps']} req/s saturated; p95 {half['p95_ms']} ms at half",
                flush=True,
            )
    finally:
        stop(server)
    server = start_server(env, port, pool=False)
    try:
        results["no_pool_baseline"] = load("closed", base + "/healthz", "", probe_s, concurrency=16)
    finally:
        stop(server)
    results["queries"] = data["queries"]
    report(results)


def report(results: dict) -> None:
    baseline = results["pages"][0]["saturation"]["rps"]
    print(
        f"\nB1 page floor — {results['date']}, {results['cores']} cores, gunicorn 2×4 threads, "
        "PostgreSQL pooled; load generator on the same machine"
    )
    header = (
        f"{'page':<40} {'sat req/s':>9} {'ratio':>6} {'at rps':>7} {'p50':>7} {'p95':>7} "
        f"{'p99':>7} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for page in results["pages"]:
        sat, half = page["saturation"], page["half"]
        print(
            f"{page['name']:<40} {sat['rps']:>9} {sat['rps'] / baseline:>6.2f} "
            f"{half['offered_rps']:>7.0f} {half['p50_ms']:>7} {half['p95_ms']:>7} "
            f"{half['p99_ms']:>7} {sat['errors'] + half['errors']:>6}"
        )
    nopool = results["no_pool_baseline"]["rps"]
    print(
        f"\none-query view without the connection pool: {nopool} req/s "
        f"(pool on: {baseline} req/s, {baseline / nopool:.2f}×)"
    )
    q = results["queries"]
    print(f"queries on an office list page: {q[10]} at 10 rows, {q[100]} at 100 rows")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "b1.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
