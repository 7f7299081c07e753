"""The `anxuan` command: serve, demo, and Django's management commands.

anxuan serve [--bind HOST:PORT] [--workers N]   gunicorn + the background worker, each
                                                 restarted when it dies (anxuan serve --help)
anxuan demo                                      load the demo county when the database is empty
anxuan cluster up|down|status|kill|start|promote  the distributed deployment, in network
                                                 namespaces of this machine (docs/deployment.md)
anxuan <django command> ...                      e.g. anxuan migrate, anxuan createsuperuser
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    import django

    django.setup()


def demo() -> int:
    _setup()
    from anxuan import demo as demo_data

    if demo_data.is_loaded():
        print("The database already has data; the demo was not loaded again.")
    else:
        print("Loading the demo county (under a minute)...", flush=True)
        started = time.monotonic()
        demo_data.build(say=lambda line: print(line, flush=True))
        print(f"Demo county loaded in {time.monotonic() - started:.0f} s.")
    # The demo serves nothing: `anxuan serve` prints the address it listens on.
    print(f"Demo logins (password '{demo_data.PASSWORD}'):")
    for username, label in demo_data.LOGIN_HELP:
        print(f"  {username:<14} {label}")
    return 0


def address_of(bind: str) -> str:
    """The address to open for gunicorn's --bind value, read the way gunicorn reads it (no
    port: 8000; no host or a wildcard: every address of the machine, so loopback works)."""
    from gunicorn.util import parse_address  # type: ignore[import-untyped]

    parsed = parse_address(bind)
    if not isinstance(parsed, tuple):  # a Unix socket or an inherited file descriptor
        return f"{bind} (a socket, for a proxy in front)"
    host, port = parsed
    if host in {"", "0.0.0.0"}:  # noqa: S104 - naming the wildcard, not binding to it
        return f"http://127.0.0.1:{port}/ (and this machine's other addresses)"
    if host == "::":
        return f"http://[::1]:{port}/ (and this machine's other addresses)"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def gunicorn_proxy_args() -> list[str]:
    """gunicorn trusts the scheme headers of the same proxies as the app (settings'
    FORWARDED_ALLOW_IPS), rather than only its own environment variable."""
    from django.conf import settings

    return ["--forwarded-allow-ips", ",".join(settings.FORWARDED_ALLOW_IPS)]


RESTART_FIRST = 1.0  # seconds before the first restart of a process that died
RESTART_MAX = 30.0  # the back-off doubles up to this
RESTART_RESET = 60.0  # a process that ran this long before dying starts over at RESTART_FIRST


def say(line: str) -> None:
    print(f"anxuan serve: {line}", file=sys.stderr, flush=True)


class Supervised:
    """A child process kept running: started again with a growing delay when it dies."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name, self.argv = name, argv
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.delay = RESTART_FIRST
        self.restart_at: float | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv)
        self.started = time.monotonic()
        self.restart_at = None

    def check(self, now: float) -> None:
        """Start it again when its delay is over; when it has just died, log it and set
        the delay (reset after a long run, else doubled up to RESTART_MAX)."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
                say(f"{self.name} restarted (pid {self.pid})")
            return
        code = self.proc.poll() if self.proc else None
        if code is None:
            return
        if now - self.started >= RESTART_RESET:
            self.delay = RESTART_FIRST
        say(f"{self.name} (pid {self.pid}) exited with {code}; restarting in {self.delay:.0f} s")
        self.restart_at = now + self.delay
        self.delay = min(self.delay * 2, RESTART_MAX)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def stop(self, grace: float) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def serve(argv: list[str]) -> int:
    """Run gunicorn and the Huey consumer together, each restarted with back-off when it
    dies (the other keeps serving); SIGTERM or SIGINT stops both."""
    parser = argparse.ArgumentParser(
        prog="anxuan serve",
        description="Serve Anxuan with gunicorn and run the background worker beside it; "
        "either is restarted when it dies.",
    )
    parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (127.0.0.1:8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "2")),
        help="gunicorn worker processes (WEB_CONCURRENCY, else 2)",
    )
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    python = sys.executable
    subprocess.run([python, "-m", "django", "collectstatic", "--noinput", "-v0"], check=True)
    children = [
        Supervised(
            "gunicorn",
            [
                *(python, "-m", "gunicorn", "anxuan.wsgi:application"),
                *("--bind", options.bind, "--workers", str(options.workers), "--threads", "4"),
                *("--access-logfile", "-", "--graceful-timeout", "10"),
                *gunicorn_proxy_args(),
            ],
        ),
        Supervised("the background worker", [python, "-m", "django", "run_huey", "--quiet"]),
    ]
    stopping = threading.Event()

    def stop(*_args: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start()
    print(f"Anxuan is serving on {address_of(options.bind)} (Ctrl-C stops)", flush=True)
    try:
        while not stopping.wait(0.2):
            for child in children:
                child.check(time.monotonic())
    finally:
        for child in children:
            child.stop(grace=15)
    return 0


def main() -> int:
    argv = sys.argv[1:]
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if argv[0] == "serve":
        return serve(argv[1:])
    if argv[0] == "demo":
        return demo()
    if argv[0] == "cluster":
        from anxuan import cluster

        return cluster.main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anxuan", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
