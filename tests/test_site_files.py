"""Files a browser asks the site for by itself: the favicon; and the page the load balancer
answers with when no app node is up."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_is_answered_at_the_root(db):
    response = Client().get("/favicon.ico")

    assert (response.status_code, response["Content-Type"]) == (200, "image/x-icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an .ico file


def test_pages_link_the_svg_icon_and_the_ico(db):
    page = Client().get("/accounts/login/").content.decode()

    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in page
    assert '<link rel="icon" href="/static/anxuan/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("anxuan/favicon.svg") is not None


def test_the_balancers_503_page_is_a_whole_http_answer_in_chinese():
    """HAProxy sends deploy/errors/503.http as it is: a Content-Length that does not match
    its body would cut the page off or hang the phone waiting for more."""
    raw = (Path(__file__).resolve().parents[1] / "deploy" / "errors" / "503.http").read_bytes()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])

    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    assert int(headers["Content-Length"]) == len(body)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "系统暂时无法访问" in body.decode()
