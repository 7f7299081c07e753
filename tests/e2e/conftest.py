"""Browser fixtures: one Chromium for the whole e2e run."""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import shared_catalogue

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by the tests
# themselves are synchronous and safe (Django's documented escape hatch).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--lang=zh-CN",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _shared_indicator_catalogue(transactional_db):
    """Every transactional test ends by emptying the database, rows of data migrations too
    (the shared indicator catalogue), so a browser test after another transactional test
    (tests/api's concurrency tests, say) would find no catalogue. Serialized rollback cannot
    restore it here: with Playwright's event loop in this thread, Django hands out another
    connection object than the one the test database was serialised on. So seed it as the
    migration does."""
    shared_catalogue()
