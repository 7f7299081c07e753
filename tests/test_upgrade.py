"""An install made by an older release, with the demo loaded, upgrades to this code with
every row, file and tally intact: the old code (from git) builds the database in a
subprocess, the new code migrates it, and nothing the old code wrote is lost or changed.

It runs on the database engine of the test session: a file in a temporary folder on
SQLite, a fresh database with a unique name on the same server on PostgreSQL."""

import hashlib
import io
import os
import secrets
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
# The last commit before reports was split into reports, rollup and dashboards. Moving the
# base forward may need OLD_EXTRAS and EMPTY_IN_DEMO below adjusted to that commit's code.
BASE = "a3f4a1b"

# Rows the demo does not make, in tables that move between apps (state-only migrations):
# a table dropped and made again would go unnoticed while empty. Written with the old
# code's own functions (at BASE).
OLD_EXTRAS = """
from anxuan.orgs.models import Person
from anxuan.reports import reminders, rollup
assert rollup.refresh_snapshots() > 0
reminders.notify(list(Person.objects.order_by("pk")[:5]), "upgrade test", "/")
"""

# The demo's tables that may stay empty; every other table of ours must have rows, so the
# comparison below means something for it.
EMPTY_IN_DEMO = {
    "api_apitoken",
    "api_idempotencyrecord",
    "exports_exportjob",
    "orgs_person_groups",
    "orgs_person_user_permissions",
    "reports_remindersent",
    "reports_resumableupload",
}
OUR_APPS = ("core_", "orgs_", "campaigns_", "reports_", "rollup_", "exports_", "api_")
# Tables the new code's migrate may add rows to (its own migrations, the content types and
# permissions of models that moved to another app); the old rows must all still be there.
GROWING = {"django_migrations", "django_content_type", "auth_permission"}
# Only the demo's password hashing is made cheaper for the old code (Argon2 is deliberately
# slow: ~16 s of the demo); the schema and every other setting are the old code's own.
FAST_SETTINGS = """
from anxuan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""


@contextmanager
def fresh_database(tmp: Path) -> Iterator[tuple[str, object]]:
    """(DATABASE_URL, a function opening a DB-API connection) for an empty database of the
    session's engine; a PostgreSQL one is dropped afterwards."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp / "upgrade.sqlite3"
        import sqlite3

        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    assert db["ENGINE"] == "django.db.backends.postgresql", db["ENGINE"]
    name = f"anxuan_upgrade_{secrets.token_hex(4)}"
    server = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = quote(db["USER"] or "", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        host = quote(db["HOST"] or "", safe="")
        port = f":{db['PORT']}" if db["PORT"] else ""
        url = f"postgres://{user}{password}@{host}{port}/{name}"
        yield url, lambda: psycopg.connect(dbname=name, **server)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


COLUMNS: dict[str, list[str]] = {}  # the columns each table had before the upgrade
# Columns an upgrade drops on purpose, their content moved by a data migration that has its
# own test: a requirement's list of evidence kinds became its minimums (campaigns 0007,
# tests/reports/test_evidence_rules.py).
DROPPED = {"campaigns_requirement": {"evidence"}}


def fingerprint(connect) -> dict[str, tuple[int, str, frozenset | None]]:
    """{table: (rows, SHA-256 of its rows in a stable order, the rows themselves for the
    GROWING tables)} for every table in the database's own catalogue. The first call notes
    each table's columns; later calls read only those, so a column the upgrade adds (with
    its default) does not count as a change to the rows that were there."""
    found = {}
    with connect() as connection:
        cursor = connection.cursor()
        if isinstance(connection, psycopg.Connection):
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        for (table,) in cursor.fetchall():
            if table not in COLUMNS:
                cursor.execute(f'SELECT * FROM "{table}" WHERE 1 = 0')  # noqa: S608 (catalogue)
                dropped = DROPPED.get(table, set())
                COLUMNS[table] = [d[0] for d in cursor.description if d[0] not in dropped]
            listed = ", ".join(f'"{c}"' for c in COLUMNS[table])
            cursor.execute(f'SELECT {listed} FROM "{table}"')  # noqa: S608 (catalogue names)
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            found[table] = (len(rows), digest, frozenset(rows) if table in GROWING else None)
    return found


def files(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def test_an_install_of_the_previous_release_upgrades_with_all_its_data(tmp_path):
    old_src = tmp_path / "old"
    archive = subprocess.run(  # noqa: S603 (fixed arguments)
        ["git", "-C", str(REPO), "archive", BASE, "src"],  # noqa: S607 (git from PATH)
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(old_src, filter="data")
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "upgrade_settings.py").write_text(FAST_SETTINGS)
    var = tmp_path / "var"
    timings = {}

    with fresh_database(tmp_path) as (url, connect):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PYTHONPATH"}
        }
        env |= {
            "ANXUAN_VAR_DIR": str(var),
            "DATABASE_URL": url,
            "DB_POOL": "0",
            "DJANGO_SETTINGS_MODULE": "anxuan.settings",
        }
        old = env | {"PYTHONPATH": f"{old_src / 'src'}{os.pathsep}{shim}"}
        new = env | {"PYTHONPATH": str(REPO / "src")}

        def anxuan(step: str, environment: dict, *args: str) -> subprocess.CompletedProcess:
            started = time.perf_counter()
            done = subprocess.run(  # noqa: S603 (our own interpreter and commands)
                [sys.executable, "-m", "anxuan.cli", *args],
                env=environment,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                check=False,
            )
            timings[step] = round(time.perf_counter() - started, 1)
            assert done.returncode == 0, f"{step}:\n{done.stdout}\n{done.stderr}"
            return done

        anxuan("old migrate", old, "migrate", "--noinput", "-v0")
        anxuan("old demo", old | {"DJANGO_SETTINGS_MODULE": "upgrade_settings"}, "demo")
        anxuan("old extras", old | {"ROLLUP_SNAPSHOT_FROM": "1"}, "shell", "-c", OLD_EXTRAS)
        COLUMNS.clear()
        before, files_before = fingerprint(connect), files(var / "media")

        anxuan("new migrate", new, "migrate", "--noinput", "-v0")
        after, files_after = fingerprint(connect), files(var / "media")
        check = anxuan("new rollup --check", new, "rollup", "--check")

    print(f"upgrade test timings (s): {timings}")
    # The old code really ran: it had no rollup app; the new code's migrate added it.
    assert not any("'rollup'" in row for row in before["django_migrations"][2])
    assert any("'rollup'" in row for row in after["django_migrations"][2])
    empty = {t for t, (n, _, _) in before.items() if n == 0 and t.startswith(OUR_APPS)}
    assert empty == EMPTY_IN_DEMO
    assert len(files_before) >= 20

    def kept(table: str) -> bool:
        count, digest, rows = before[table]
        if table in GROWING:
            return rows <= after[table][2]
        return after[table][:2] == (count, digest)

    lost = sorted(set(before) - set(after))
    changed = sorted(table for table in before if table in after and not kept(table))
    assert (lost, changed) == ([], [])
    assert {name: files_after.get(name) for name in files_before} == files_before
    assert "periods recounted" in check.stdout
