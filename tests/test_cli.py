"""The `anxuan` command."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from anxuan import cli
from tests.exports.test_leases import database_url


@pytest.mark.parametrize(
    ("bind", "shown"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("127.0.0.1:9123", "http://127.0.0.1:9123/"),
        ("localhost", "http://localhost:8000/"),  # gunicorn's port when none is given
        ("0.0.0.0:8080", "http://127.0.0.1:8080/ (and this machine's other addresses)"),
        (":8081", "http://127.0.0.1:8081/ (and this machine's other addresses)"),
        ("[::]:8082", "http://[::1]:8082/ (and this machine's other addresses)"),
        ("[::1]:8083", "http://[::1]:8083/"),
        ("unix:/run/anxuan.sock", "unix:/run/anxuan.sock (a socket, for a proxy in front)"),
    ],
)
def test_serve_shows_the_address_it_listens_on(bind, shown):
    assert cli.address_of(bind) == shown


def test_serve_help_prints_its_usage():
    done = subprocess.run(
        [sys.executable, "-m", "anxuan.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0
    assert done.stdout.startswith("usage: anxuan serve [-h] [--bind BIND] [--workers WORKERS]")


def children(pid: int) -> dict[int, str]:
    """{pid: command line} of a process's children (Linux /proc)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError):
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                found[int(child)] = cmdline.replace(b"\0", b" ").decode()
    return found


def worker_pid(serve: subprocess.Popen) -> int | None:
    return next((pid for pid, cmd in children(serve.pid).items() if "run_huey" in cmd), None)


def healthz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status
    except OSError:
        return None


def wait_for(condition, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)  # polling with a deadline, not timing the test
    raise AssertionError(f"gave up waiting: {what}")


@pytest.mark.django_db(transaction=True)  # the served site reads the test database
def test_serve_restarts_a_killed_worker_while_the_site_keeps_answering(tmp_path, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "ANXUAN_VAR_DIR": str(tmp_path),
        # Collected once for the session's runs: a fresh copy takes seconds.
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "PYTHONPATH": str(Path(cli.__file__).parents[1]),
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log_file:
        serve = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "anxuan.cli", "serve", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    try:
        wait_for(lambda: healthz(port) == 200, "the site to answer", seconds=90)
        first = wait_for(lambda: worker_pid(serve), "the worker to start")
        os.kill(first, signal.SIGKILL)
        answered = healthz(port)
        second = wait_for(
            lambda: (pid := worker_pid(serve)) not in {None, first} and pid,
            "a new worker",
        )
        still = healthz(port)
        serve.send_signal(signal.SIGTERM)
        code = serve.wait(timeout=30)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    log = log_path.read_text()

    assert (answered, still) == (200, 200)
    assert second != first
    assert code == 0
    assert f"the background worker (pid {first}) exited with -9; restarting in 1 s" in log
    assert f"the background worker restarted (pid {second})" in log
    assert (
        not Path(f"/proc/{second}").exists()
        or "zombie" in Path(f"/proc/{second}/status").read_text()
    )
