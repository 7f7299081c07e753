"""Login: where the time of one login goes, with the configured hasher and a baseline.

  .venv/bin/python bench/login.py [-n 40] [--hasher configured|django-default|both]

Builds a scratch SQLite database (migrated, static files collected, in a temporary
folder) with one town liaison, then for each hasher: sets the liaison's password with it,
and times
  - the hash alone (one `check_password` of the stored hash, no database),
  - the login POST through Django's test client (form, axes lockout check, authenticate,
    session save, access log), answered by a redirect,
  - the redirected dashboard GET,
N times each, and prints p50/p95 in ms. `django-default` is Django 5.2's stock
Argon2PasswordHasher (m=100 MiB, t=2, p=8), the setting before issue 11; `configured` is
settings.PASSWORD_HASHERS[0]. It also logs in once with a hash made by the baseline while
the configured hasher is in force, and says whether the stored hash was upgraded.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "django.contrib.auth.hashers.Argon2PasswordHasher"
PASSWORD = "bench-login-2026"  # noqa: S105 - a scratch database's password


def setup() -> None:
    var = tempfile.mkdtemp(prefix="anxuan-login-")
    os.environ["ANXUAN_VAR_DIR"] = var
    os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's "testserver" host in
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages link hashed assets


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(s * 1000 for s in samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(hashers: list[str], n: int) -> dict[str, tuple[float, float]]:
    from django.contrib.auth.hashers import get_hasher
    from django.test import Client, override_settings
    from django.urls import reverse

    from anxuan.orgs.models import Person

    with override_settings(PASSWORD_HASHERS=hashers):
        person = Person.objects.get(username="liaison")
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
        encoded = person.password
        hasher = get_hasher("default")
        hashing = []
        for _ in range(n):
            start = time.perf_counter()
            assert hasher.verify(PASSWORD, encoded)
            hashing.append(time.perf_counter() - start)
        # One client, as one server process: a new Client loads the middleware again
        # (WhiteNoise scans every static file, ~80 ms), which no real request pays.
        client, posts, gets = Client(), [], []
        for _ in range(n):
            client.cookies.clear()
            start = time.perf_counter()
            response = client.post(reverse("login"), {"username": "liaison", "password": PASSWORD})
            posts.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
            start = time.perf_counter()
            assert client.get(response["Location"]).status_code == 200
            gets.append(time.perf_counter() - start)
    return {
        "hash alone": percentiles(hashing),
        "login POST": percentiles(posts),
        "dashboard GET": percentiles(gets),
    }


def upgraded_on_login(configured: list[str]) -> tuple[str, str]:
    """The stored hash's parameters before and after one login under `configured`, the
    password having been set with the baseline."""
    from django.test import Client, override_settings
    from django.urls import reverse

    from anxuan.orgs.models import Person

    with override_settings(PASSWORD_HASHERS=[BASELINE]):
        person = Person.objects.get(username="liaison")
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    with override_settings(PASSWORD_HASHERS=configured):
        response = Client().post(reverse("login"), {"username": "liaison", "password": PASSWORD})
        assert response.status_code == 302
    after = Person.objects.get(username="liaison").password
    return person.password.split("$")[3], after.split("$")[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="logins per hasher (default 40)")
    parser.add_argument(
        "--hasher", choices=["configured", "django-default", "both"], default="both"
    )
    args = parser.parse_args()
    setup()
    from django.conf import settings

    from anxuan.orgs import services
    from anxuan.orgs.enums import OrgKind, Role

    configured = list(settings.PASSWORD_HASHERS)
    county = services.create_organization(
        actor=None, name="高台县", kind=OrgKind.COUNTY, parent=None
    )
    town = services.create_organization(actor=None, name="城关镇", kind=OrgKind.TOWN, parent=county)
    services.create_person(
        actor=None,
        username="liaison",
        full_name="联络员",
        mobile="13900000000",
        organization=town,
        role=Role.LIAISON,
        password=PASSWORD,
    )
    runs = {
        "django-default": [BASELINE, *configured[1:]],
        "configured": configured,
    }
    chosen = list(runs) if args.hasher == "both" else [args.hasher]
    results = {name: measure(runs[name], args.n) for name in chosen}
    print(f"{args.n} logins each, ms (p50 / p95); configured: {configured[0]}")
    print(f"{'':<16}" + "".join(f"{name:>22}" for name in chosen))
    for row in ("hash alone", "login POST", "dashboard GET"):
        cells = "".join(f"{results[n][row][0]:>11.1f} /{results[n][row][1]:>8.1f}" for n in chosen)
        print(f"{row:<16}{cells}")
    if len(chosen) == 2:
        ratio = results["configured"]["login POST"][0] / results["django-default"]["login POST"][0]
        print(f"login POST p50, configured / django-default: {ratio:.2f}")
    before, after = upgraded_on_login(configured)
    print(f"a baseline hash ({before}) logging in under the configured setting is now {after}")


if __name__ == "__main__":
    main()
