"""The `anxuan` command."""

import pytest

from anxuan import cli


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
