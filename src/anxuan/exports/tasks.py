"""Export jobs in the background. Tasks take ids and are safe to run twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_export(job_id: int) -> None:
    from anxuan.exports.services import run_job

    run_job(job_id)


@db_periodic_task(crontab(minute="*"))
def requeue_stalled_exports() -> None:
    """Jobs whose worker died (their lease expired) run again (decision 0019)."""
    from anxuan.exports.services import requeue_stalled_jobs

    requeue_stalled_jobs()


@db_periodic_task(crontab(minute="17", hour="3"))
def expire_exports() -> None:
    from anxuan.exports.services import expire_old_exports

    expire_old_exports()
