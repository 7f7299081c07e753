"""A task whose worker died mid-run is run again (decision 0027), on the Redis queue of a
cluster and the SQLite queue of one machine: two Huey instances on one queue are two
worker processes. A process's death is its alive mark lapsing, as it does a minute after a
kill -9 (done here by hand: no test waits a minute)."""

import os
import uuid

import pytest

from anxuan.core.queue import OnceRedisHuey, OnceSqliteHuey

REDIS = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
RUNS: list[str] = []


def record(label: str) -> None:
    RUNS.append(label)


@pytest.fixture(params=["redis", "sqlite"])
def workers(request, tmp_path):
    name = f"anxuan-test-{uuid.uuid4().hex[:8]}"
    if request.param == "redis":
        pair = [OnceRedisHuey(name, url=REDIS) for _process in range(2)]
    else:
        pair = [OnceSqliteHuey(name, filename=str(tmp_path / "queue.sqlite3")) for _ in range(2)]
    tasks = [huey.task(name="record")(record) for huey in pair]
    RUNS.clear()
    yield pair, tasks[0]
    pair[0].flush()
    for huey in pair:
        if request.param == "redis":
            huey.storage.pool.disconnect()
        else:
            huey.storage.close()


def die(huey) -> None:
    """What a minute without beats does to a killed process's alive mark."""
    storage = huey.storage
    if isinstance(huey, OnceRedisHuey):
        storage.conn.delete(storage._alive(storage.process))
    else:
        storage.sql("update alive set until = 0 where process = ?", (storage.process,), commit=True)


def scheduler_second(huey) -> None:
    """One pass of a consumer's scheduler loop (every second): beat, reclaim."""
    huey.read_schedule(huey._get_timestamp())


def test_the_task_of_a_worker_that_died_runs_again_on_another(workers):
    (dead, alive), task = workers
    task("周报 1")
    taken = dead.dequeue()  # and the process is killed before it ends
    assert (dead.pending_count(), dead.storage.in_flight_size()) == (0, 1)

    die(dead)
    scheduler_second(alive)
    again = alive.dequeue()
    alive.execute(again)

    assert again.id == taken.id
    assert RUNS == ["周报 1"]
    assert (alive.pending_count(), alive.storage.in_flight_size()) == (0, 0)


def test_a_live_workers_task_is_left_to_it_and_done_once(workers):
    (busy, other), task = workers
    task("周报 2")
    taken = busy.dequeue()
    scheduler_second(other)  # the busy process beats: nothing of it is taken back

    assert other.dequeue() is None
    busy.execute(taken)
    die(busy)  # even once it is gone, nothing of it is left to run again
    scheduler_second(other)
    assert other.dequeue() is None
    assert RUNS == ["周报 2"]
    assert other.storage.in_flight_size() == 0
