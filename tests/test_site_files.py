"""Files a browser asks the site for by itself: the favicon."""

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
