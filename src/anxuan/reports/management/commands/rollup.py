"""anxuan rollup --rebuild | --check: recount the maintained roll-up tallies."""

import time

from django.core.management.base import BaseCommand, CommandError

from anxuan.reports import tally
from anxuan.reports.models import FigureTally, PeriodTally


def _snapshot() -> tuple[set, set]:
    return (
        set(
            PeriodTally.objects.values_list(
                "period_id", "units", "expected", "reported", "timely", "accepted"
            )
        ),
        set(FigureTally.objects.values_list("period_id", "metric", "value")),
    )


class Command(BaseCommand):
    help = "Recount the roll-up tallies from the submissions (after a bulk load), or check them."

    def add_arguments(self, parser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--rebuild", action="store_true", help="recount every tally")
        what.add_argument(
            "--check", action="store_true", help="recount and fail if any tally had drifted"
        )

    def handle(self, *args, rebuild: bool, check: bool, **options) -> None:
        kept = _snapshot() if check else None
        started = time.perf_counter()
        periods = tally.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"{periods} periods recounted in {seconds:.2f} s")
        if check and _snapshot() != kept:
            raise CommandError("The tallies had drifted from the submissions; now recounted.")
