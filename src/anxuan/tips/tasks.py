"""Background work of the tips app. Tasks take ids, not objects, and are safe to run twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anxuan.core import ratelimit
from anxuan.tips import reminders, rewards


@db_periodic_task(crontab(minute="7"))  # type: ignore[untyped-decorator]  # huey has no type hints
def lapse_rewards() -> None:
    """Reward notices not claimed by their deadline lapse (rewards.lapse_due). Hourly, so
    the day's change in Asia/Shanghai is caught whatever zone the scheduler keeps."""
    rewards.lapse_due()


@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def forget_public_callers() -> None:
    """Expired rate-limit counts and address salts go from the cache table (the database
    cache keeps them until a write clears them), so no trace of a reporter's address
    outlives its salt's 23 hours by more than this quarter (core.public)."""
    ratelimit.purge_expired()


@db_periodic_task(crontab(minute="17", hour="*"))  # type: ignore[untyped-decorator]
def remind_clocks() -> None:
    """Handlers hear of tips soon due or overdue (tips.reminders); hourly, so a day's
    change in Asia/Shanghai is caught whatever zone the scheduler keeps."""
    reminders.send_clock_reminders()
