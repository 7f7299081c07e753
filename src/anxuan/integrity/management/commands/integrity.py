"""anxuan integrity --rebuild | --status: fingerprint and check everything already reported."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from anxuan.integrity import backfill, tasks


class Command(BaseCommand):
    help = (
        "Check every submitted report for reused evidence, copied text, dates, places and "
        "figures, in the background worker (resumable); or show the progress."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--rebuild", action="store_true", help="queue the backfill")
        what.add_argument("--status", action="store_true", help="print the backfill's progress")
        parser.add_argument(
            "--restart",
            action="store_true",
            help="with --rebuild: start again from the first report",
        )

    def handle(
        self, *args: object, rebuild: bool, status: bool, restart: bool, **options: object
    ) -> None:
        if rebuild:
            run, new = backfill.start(restart=restart)
            if new:
                tasks.rebuild_step(run.pk)
                self.stdout.write(f"Queued: {run.total} report versions to check (run {run.pk}).")
            else:
                self.stdout.write(
                    f"Already running: {run.done}/{run.total} checked (run {run.pk})."
                )
            return
        last = backfill.current()
        if last is None:
            self.stdout.write("No backfill has run.")
        elif last.finished_at is None:
            self.stdout.write(
                f"Running: {last.done}/{last.total} checked, cursor at version {last.last_version}."
            )
        else:
            finished = timezone.localtime(last.finished_at)
            self.stdout.write(
                f"Finished {finished:%Y-%m-%d %H:%M}: {last.done}/{last.total} checked."
            )
