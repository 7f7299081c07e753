"""Browser test fixtures (the browser itself is in tests/conftest.py, shared with the cluster)."""

import os

import pytest

from tests.conftest import shared_catalogue

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by the tests
# themselves are synchronous and safe (Django's documented escape hatch).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _shared_indicator_catalogue(transactional_db):
    """Every transactional test ends by emptying the database, rows of data migrations too
    (the shared indicator catalogue), so a browser test after another transactional test
    (tests/api's concurrency tests, say) would find no catalogue. Serialized rollback cannot
    restore it here: with Playwright's event loop in this thread, Django hands out another
    connection object than the one the test database was serialised on. So seed it as the
    migration does."""
    shared_catalogue()
