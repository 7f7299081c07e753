"""Rate limits count in one store that every worker shares (the database's cache table
here, Redis where REDIS_URL is set): the API per person and per address, made-up tokens by
address, the login page, the schema and /healthz."""

import base64
import pickle
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from tests.concurrency import at_once

API = "/api/v1"
TOO_MANY = "您所在网络的请求过于频繁，请稍后再试。"


def counts_in_the_table() -> list[int]:
    """The counts as stored in the database: what any other worker or machine reads."""
    with connection.cursor() as cursor:
        cursor.execute('SELECT "value" FROM "anxuan_cache" WHERE "cache_key" LIKE %s', ["%rate:%"])
        return sorted(pickle.loads(base64.b64decode(v)) for (v,) in cursor.fetchall())  # noqa: S301


def test_two_workers_count_in_one_bucket_kept_in_the_database(db, settings):
    settings.API_ANON_RATE_PER_MINUTE = 3
    first, second = Client(), Client()  # two callers from one address, as two workers see

    statuses = [first.get(f"{API}/me").status_code for _ in range(2)]
    caches.close_all()  # nothing a worker keeps in memory survives
    statuses += [second.get(f"{API}/me").status_code for _ in range(2)]

    assert statuses == [401, 401, 401, 429]
    assert counts_in_the_table() == [4]


@pytest.mark.django_db(transaction=True)
def test_callers_at_the_same_moment_are_each_counted(settings):
    settings.API_ANON_RATE_PER_MINUTE = 5

    statuses = at_once(8, lambda _i: Client().get(f"{API}/me").status_code)

    assert sorted(statuses) == [401] * 5 + [429] * 3
    assert counts_in_the_table() == [8]


def test_login_attempts_are_limited_per_address(county, settings):
    settings.LOGIN_RATE_PER_MINUTE = 2
    guesser = Client(REMOTE_ADDR="203.0.113.5")
    tries = [
        guesser.post("/accounts/login/", {"username": name, "password": "guess"}).status_code
        for name in ("office", "staff", "reviewer")
    ]

    limited = guesser.post("/accounts/login/", {"username": "liaison", "password": "guess"})

    assert tries == [200, 200, 429]
    assert limited.status_code == 429
    assert limited.content.decode() == TOO_MANY
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert guesser.get("/accounts/login/").status_code == 200  # the page itself still opens
    other = Client(REMOTE_ADDR="198.51.100.20")
    answer = other.post("/accounts/login/", {"username": "office", "password": "x"})
    assert answer.status_code == 200


def test_the_schema_is_limited_per_address(db, settings):
    settings.API_ANON_RATE_PER_MINUTE = 2

    statuses = [Client().get(f"{API}/openapi.json").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    limited = Client().get(f"{API}/openapi.json")
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1


def test_healthz_is_limited_per_address(db, settings):
    settings.HEALTHZ_RATE_PER_MINUTE = 2

    statuses = [Client().get("/healthz").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert Client(REMOTE_ADDR="198.51.100.30").get("/healthz").status_code == 200


def test_migrate_makes_the_cache_table_on_a_fresh_install(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "ANXUAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "anxuan.cli", "migrate", "-v0"], env=env, check=True, timeout=300
    )
    check = (
        "import django; django.setup(); from django.core.cache import cache; "
        "from django.db import connection; "
        "print('anxuan_cache' in connection.introspection.table_names(), "
        "cache.add('k', 1, 60), cache.incr('k'), cache.get('k'))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", check], env=env, check=True, capture_output=True, text=True
    )

    assert result.stdout.split() == ["True", "True", "2", "2"]
