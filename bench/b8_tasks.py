"""B8's task and ledger, imported by bench/b8_queue.py (which enqueues) and by
bench/b8_consumer.py (the worker), under the same module name so that both sides of the
queue know the task.

`noop(job, pause)` writes one row keyed by the job number in the app's database (a second
run changes nothing), as a db_task, so Django's connection is opened and closed around it
as around every task of the app: the no-op-ish job of the throughput and latency figures.
`tick(job)` writes its row in a side SQLite file on a connection it keeps: the queue's own
cost, with next to no work.

With B8_LEDGER naming a file (the kill -9 test), the worker also writes every run of a task
(`noop`, the project's `process_stored_file`, the periodic ones) to that SQLite file: when
it started and when it ended, in which process. A run killed with its worker has no end;
the bench reads the ledger afterwards for runs of one job that overlapped and for jobs that
ran more than once.
"""

import os
import sqlite3
import threading
import time

from django.db import connection
from huey import signals
from huey.contrib.djhuey import HUEY, db_task

DONE_TABLE = (
    "CREATE TABLE IF NOT EXISTS b8_done (job integer PRIMARY KEY, at double precision NOT NULL,"
    " pid integer NOT NULL)"
)
LEDGER_TABLE = (
    "CREATE TABLE IF NOT EXISTS runs (id integer PRIMARY KEY, task_id text NOT NULL,"
    " job text NOT NULL, pid integer NOT NULL, started real NOT NULL, finished real,"
    " outcome text)"
)
LEDGERED = {"noop", "process_stored_file"}


TICKS_TABLE = "CREATE TABLE IF NOT EXISTS ticks (job integer PRIMARY KEY, at real NOT NULL)"
_ticks = threading.local()


def ticks_db() -> sqlite3.Connection:
    """This thread's connection, kept, to a side SQLite file (no fsync) for `tick`."""
    if not hasattr(_ticks, "conn"):
        from django.conf import settings

        path = settings.VAR_DIR / "b8-ticks.sqlite3"
        _ticks.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        _ticks.conn.execute("PRAGMA journal_mode=WAL")
        _ticks.conn.execute("PRAGMA synchronous=OFF")
        _ticks.conn.execute(TICKS_TABLE)
    return _ticks.conn


@HUEY.task()  # type: ignore[untyped-decorator]
def tick(job: int) -> None:
    """Record that job `job` ran, in a side file on a kept connection: about 0.1 ms of work,
    so that what is measured is the queue."""
    ticks_db().execute("INSERT OR IGNORE INTO ticks (job, at) VALUES (?, ?)", (job, time.time()))


@db_task()  # type: ignore[untyped-decorator]  # huey has no type hints
def noop(job: int, pause: float = 0.0) -> None:
    """Record that job `job` ran (once however often it runs), after `pause` seconds."""
    if pause:
        time.sleep(pause)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO b8_done (job, at, pid) VALUES (%s, %s, %s) ON CONFLICT (job) DO NOTHING",
            [job, time.time(), os.getpid()],
        )


def job_key(task) -> str:
    """ "noop:<job>" or "thumb:<pk>" for the bench's jobs, else the task's name (a periodic
    task, e.g. the sweeper requeue_unprocessed_files)."""
    if task.name not in LEDGERED:
        return task.name
    if task.name == "noop":
        return f"noop:{task.args[0]}"
    return f"thumb:{task.args[1]}"


def open_ledger(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(LEDGER_TABLE)
    return conn


def install_ledger(path: str) -> None:
    """Write each run of a followed task to the ledger at `path` (the worker's threads)."""
    local = threading.local()
    run_ids: dict[str, int] = {}

    def ledger() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = open_ledger(path)
        return local.conn

    @HUEY.signal(signals.SIGNAL_EXECUTING)
    def started(signal, task, *args) -> None:
        cursor = ledger().execute(
            "INSERT INTO runs (task_id, job, pid, started) VALUES (?, ?, ?, ?)",
            (task.id, job_key(task), os.getpid(), time.time()),
        )
        run_ids[task.id] = cursor.lastrowid

    @HUEY.signal(signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR, signals.SIGNAL_INTERRUPTED)
    def ended(signal, task, *args) -> None:
        if (run_id := run_ids.pop(task.id, None)) is not None:
            ledger().execute(
                "UPDATE runs SET finished = ?, outcome = ? WHERE id = ?",
                (time.time(), signal, run_id),
            )


if os.environ.get("B8_LEDGER"):
    install_ledger(os.environ["B8_LEDGER"])
