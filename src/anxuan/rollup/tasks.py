"""Background work of the roll-ups. Tasks take ids and are safe to run twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def refresh_rollup_snapshots() -> None:
    """Snapshots of the largest campaigns' roll-ups (decision 0010)."""
    from anxuan.rollup.rollups import refresh_snapshots

    refresh_snapshots()
