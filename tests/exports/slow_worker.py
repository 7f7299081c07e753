"""A real Huey consumer for tests/exports/test_leases.py, run in its own process on the
test's database and queue. It writes files under TEST_MEDIA_ROOT (the test's storage).
With SLOW_EXPORT_HOLD set, every exporter reports some progress and then waits forever,
as a long export does, so the test can kill the worker mid-export."""

import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from anxuan.exports import exporters  # noqa: E402

settings.MEDIA_ROOT = os.environ["TEST_MEDIA_ROOT"]


def held(campaign, options, out, progress) -> None:
    progress(1, 2)
    threading.Event().wait()  # never set: the export never ends on its own


if os.environ.get("SLOW_EXPORT_HOLD"):
    for kind, exporter in list(exporters.EXPORTERS.items()):
        exporters.EXPORTERS[kind] = exporters.Exporter(
            content_type=exporter.content_type,
            suffix=exporter.suffix,
            write=held,
            options=exporter.options,
        )

call_command("run_huey", "--quiet")
sys.exit(0)
