"""Behind a proxy (README, "Behind a proxy (nginx)"): the proxy's word on HTTPS and on the
client's address counts from FORWARDED_ALLOW_IPS only, for the app, its rate limits and
gunicorn alike."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from anxuan import cli

HTTPS = {"X-Forwarded-Proto": "https"}
PROXY_SSL = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def redirecting(settings):
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_with_the_setting_https_from_the_proxy_is_believed_and_nothing_loops(db, redirecting):
    redirecting.SECURE_PROXY_SSL_HEADER = PROXY_SSL

    response = Client().get("/accounts/login/", headers=HTTPS)

    assert response.status_code == 200
    assert response.wsgi_request.is_secure()


def test_without_the_setting_the_app_sends_https_to_https_again(db, redirecting):
    response = Client().get("/accounts/login/", headers=HTTPS)

    assert response.status_code == 301  # the proxy would follow this forever
    assert response["Location"] == "https://testserver/accounts/login/"


def test_https_claimed_by_an_address_that_is_no_trusted_proxy_is_not_believed(db, redirecting):
    redirecting.SECURE_PROXY_SSL_HEADER = PROXY_SSL
    redirecting.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]

    direct = Client(REMOTE_ADDR="203.0.113.9").get("/accounts/login/", headers=HTTPS)
    proxied = Client(REMOTE_ADDR="10.1.2.3").get("/accounts/login/", headers=HTTPS)

    assert direct.status_code == 301
    assert proxied.status_code == 200


def test_the_setting_is_read_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "ANXUAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
        "PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "FORWARDED_ALLOW_IPS": "10.0.0.5, 192.168.0.0/16",
    }
    read = (
        "from django.conf import settings; "
        "print(settings.SECURE_PROXY_SSL_HEADER, settings.FORWARDED_ALLOW_IPS)"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", read], env=env, check=True, capture_output=True, text=True
    )

    assert result.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') ['10.0.0.5', '192.168.0.0/16']"
    )


def test_serve_hands_gunicorn_the_same_trusted_proxies(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.5", "192.168.0.0/16"]

    assert cli.gunicorn_proxy_args() == ["--forwarded-allow-ips", "10.0.0.5,192.168.0.0/16"]


def test_rate_limits_count_the_client_the_trusted_proxy_names(db, settings):
    settings.PROXY_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.HEALTHZ_RATE_PER_MINUTE = 1

    def healthz(remote: str, forwarded: str) -> int:
        client = Client(REMOTE_ADDR=remote, headers={"X-Forwarded-For": forwarded})
        return client.get("/healthz").status_code

    # nginx appends the address it was called from; what the client wrote comes first.
    assert healthz("127.0.0.1", "198.51.100.1") == 200
    assert healthz("127.0.0.1", "198.51.100.2") == 200  # another client behind the proxy
    assert healthz("127.0.0.1", "198.51.100.3, 198.51.100.1") == 429  # a forged first entry
    # Not from the proxy: the header is not believed, the connection's address counts.
    assert healthz("203.0.113.9", "198.51.100.4") == 200
    assert healthz("203.0.113.9", "198.51.100.5") == 429
