"""The configured password hasher: Argon2id at OWASP's minimum, and old hashes upgraded at
login (tests/conftest.py swaps in MD5 for speed; these tests put the project's back)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from anxuan import settings as project_settings
from tests import factories

STOCK_ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def parameters(encoded: str) -> tuple[str, dict[str, int]]:
    """('argon2id', {'m': …, 't': …, 'p': …}) from an encoded Django Argon2 hash."""
    algorithm, variety, _version, params, _salt, _hash = encoded.split("$")
    assert algorithm == "argon2"
    return variety, {k: int(v) for k, v in (part.split("=") for part in params.split(","))}


@pytest.fixture
def project_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_the_configured_hasher_meets_the_owasp_minimum_for_argon2id(project_hashers):
    variety, params = parameters(make_password("anxuan2026"))

    # OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1 at least.
    assert variety == "argon2id"
    assert params["m"] >= 19 * 1024
    assert params["t"] >= 2
    assert params["p"] >= 1
    # ...and no more lanes than a 2-core machine can run while it serves other requests.
    assert params == {"m": 19 * 1024, "t": 2, "p": 1}


def test_a_hash_made_with_the_stock_parameters_logs_in_and_is_upgraded(
    county, settings, project_hashers
):
    person = county.town_liaison
    settings.PASSWORD_HASHERS = [STOCK_ARGON2]
    person.set_password(factories.PASSWORD)
    person.save(update_fields=["password"])
    assert parameters(person.password)[1] == {"m": 102400, "t": 2, "p": 8}
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    response = Client().post(
        reverse("login"), {"username": "liaison", "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert parameters(person.password) == ("argon2id", {"m": 19 * 1024, "t": 2, "p": 1})
    again = Client().post(reverse("login"), {"username": "liaison", "password": factories.PASSWORD})
    assert again.status_code == 302
