"""The Huey classes of settings.HUEY: Huey's own, except that a periodic task is queued once
per minute it is due in, however many worker nodes run a scheduler (each consumer's
scheduler reads the periodic tasks every minute; decision 0026).

The claim is a `cache.add` of the task's name and the minute: Redis's SET NX on a cluster,
an INSERT on the cache table's primary key in the embedded mode, either atomic."""

from datetime import datetime
from typing import Any

from huey import RedisHuey, SqliteHuey

CLAIM_SECONDS = 3600  # far longer than a scheduler's minute; then the key goes


def claim_minute(task_name: str, minute: datetime) -> bool:
    """True for the first scheduler to claim `task_name` at `minute`, False for the others."""
    from django.core.cache import cache

    return bool(cache.add(f"periodic:{task_name}:{minute:%Y%m%d%H%M}", 1, CLAIM_SECONDS))


class OncePerMinute:
    """Filters Huey's read_periodic through claim_minute (mixed in before a Huey class)."""

    def read_periodic(self, timestamp: datetime | None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()  # type: ignore[attr-defined]
        due = super().read_periodic(timestamp)  # type: ignore[misc]
        minute = timestamp.replace(second=0, microsecond=0)
        return [task for task in due if claim_minute(task.name, minute)]


class OnceRedisHuey(OncePerMinute, RedisHuey):  # type: ignore[misc]  # huey has no types
    pass


class OnceSqliteHuey(OncePerMinute, SqliteHuey):  # type: ignore[misc]
    pass
