"""Periodic tasks are queued once per minute they are due in, however many worker nodes run
a scheduler: two schedulers on one Redis queue, as two worker nodes of the cluster run."""

import os
import threading
import uuid
from datetime import datetime

import pytest
from huey import crontab
from huey.consumer import Scheduler

from anxuan.core.queue import OnceRedisHuey

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def beat() -> None:
    """A periodic task every minute (registered on each node's Huey below)."""


@pytest.fixture
def nodes(db):
    name = f"anxuan-test-{uuid.uuid4().hex[:8]}"  # a queue of this test's own
    hueys = [OnceRedisHuey(name, url=REDIS) for _node in range(3)]
    for huey in hueys:
        huey.periodic_task(crontab(), name="beat")(beat)
    yield hueys
    hueys[0].flush()
    for huey in hueys:
        huey.storage.pool.disconnect()


def huey_time(*parts: int) -> datetime:
    """Huey's clock: naive datetimes in UTC."""
    return datetime(*parts)  # noqa: DTZ001


def scheduler_minute(huey: OnceRedisHuey, at: datetime) -> None:
    Scheduler(huey, threading.Event(), interval=1, periodic=True).enqueue_periodic_tasks(at)


def test_three_schedulers_queue_a_periodic_task_once_per_minute(nodes):
    noon = huey_time(2026, 6, 11, 4, 0, 12)  # the same minute, read at different seconds
    for second, huey in zip((12, 31, 59), nodes, strict=True):
        scheduler_minute(huey, noon.replace(second=second))
    assert nodes[0].pending_count() == 1

    scheduler_minute(nodes[1], noon.replace(minute=1))  # the next minute: once more
    scheduler_minute(nodes[2], noon.replace(minute=1, second=40))
    assert nodes[0].pending_count() == 2
    assert [task.name for task in nodes[2].pending()] == ["beat", "beat"]


def test_a_task_not_due_is_not_claimed(nodes):
    hourly = nodes[0]
    hourly.periodic_task(crontab(minute="30"), name="half-past")(beat)
    scheduler_minute(hourly, huey_time(2026, 6, 11, 4, 0))
    scheduler_minute(hourly, huey_time(2026, 6, 11, 4, 30))
    assert sorted(task.name for task in hourly.pending()) == ["beat", "beat", "half-past"]
