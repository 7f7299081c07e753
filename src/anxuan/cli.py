"""The `anxuan` command: serve, demo, and Django's management commands.

anxuan serve [--bind HOST:PORT] [--workers N]   gunicorn + the background worker
anxuan demo                                      load the demo county when the database is empty
anxuan <django command> ...                      e.g. anxuan migrate, anxuan createsuperuser
"""

import contextlib
import os
import signal
import subprocess
import sys
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


def serve(argv: list[str]) -> int:
    """Run gunicorn and the Huey consumer together; stop both when either stops."""
    bind, workers = "127.0.0.1:8000", os.environ.get("WEB_CONCURRENCY", "2")
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == "--bind":
            bind = args.pop(0)
        elif flag == "--workers":
            workers = args.pop(0)
        else:
            print(f"unknown option {flag}", file=sys.stderr)
            return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    python = sys.executable
    subprocess.run([python, "-m", "django", "collectstatic", "--noinput", "-v0"], check=True)
    worker = subprocess.Popen([python, "-m", "django", "run_huey", "--quiet"])
    web = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "anxuan.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
            *gunicorn_proxy_args(),
        ]
    )

    def stop(*_args: object) -> None:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Anxuan is serving on {address_of(bind)} (Ctrl-C stops)", flush=True)
    try:
        while web.poll() is None and worker.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                web.wait(timeout=1)
    finally:
        stop()
        web.wait()
        worker.wait()
    return web.returncode or 0


def main() -> int:
    argv = sys.argv[1:]
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if argv[0] == "serve":
        return serve(argv[1:])
    if argv[0] == "demo":
        return demo()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anxuan", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
