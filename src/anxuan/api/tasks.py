"""Background work of the API. Tasks are safe to run twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="40"))
def forget_idempotency_records() -> None:
    """Remembered responses are needed for retries, not forever."""
    from anxuan.api.services import forget_idempotency_records as forget

    forget()
