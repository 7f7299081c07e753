"""The API's Swagger UI in a real browser: every operation listed, from the app's own
assets, under the site's content security policy."""

import pytest

from anxuan.api.api import api
from tests.e2e.browser import DESKTOP, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_work_without_the_internet(live_server, browser):
    page = open_page(browser, DESKTOP)
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock")

    operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert problems == []
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    shot(page, "api-docs")
