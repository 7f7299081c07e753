"""The Huey classes of settings.HUEY: Huey's own, with two guarantees Huey does not give
across worker nodes (decisions 0026 and 0027).

At least once. Huey deletes a message from the queue when a worker takes it, so a worker
killed mid-task (kill -9, a node gone) loses the task. Here taking a message moves it, in
one atomic step, into the taking process's in-flight list (Redis: BLMOVE; SQLite: one
transaction), and the message leaves that list only when its run has ended. Each consumer
process says it is alive every BEAT_SECONDS (its scheduler loop, which runs every second
whatever the workers are busy with) with a mark that lapses after LEASE_SECONDS; any
consumer that finds a process's mark lapsed moves that process's in-flight messages back
to the front of the queue. A task of a dead worker thus runs again within about a minute;
tasks are written to be run again (idempotent). A task runs twice at once only if a live
process went a whole lease without beating. Assumes thread workers (settings.HUEY), so
that one process holds its workers' in-flight lists.

Once per period. Each consumer's scheduler reads the periodic tasks every minute; a task is
queued only by the first scheduler to claim its minute: a `cache.add` of the task's name
and the minute (Redis's SET NX on a cluster, an INSERT on the cache table's primary key in
the embedded mode, either atomic)."""

import time
import uuid
from datetime import datetime
from typing import Any, cast

from huey import RedisHuey, SqliteHuey
from huey.storage import RedisStorage, SqliteStorage

CLAIM_SECONDS = 3600  # far longer than a scheduler's minute; then the key goes
BEAT_SECONDS = 10  # how often a consumer process says it is alive
LEASE_SECONDS = 60  # a process not heard from this long is dead; its tasks go back


def claim_minute(task_name: str, minute: datetime) -> bool:
    """True for the first scheduler to claim `task_name` at `minute`, False for the others."""
    from django.core.cache import cache

    return bool(cache.add(f"periodic:{task_name}:{minute:%Y%m%d%H%M}", 1, CLAIM_SECONDS))


class InFlight:
    """What both storages below add to Huey's: this process's name and its last beat."""

    def _start_in_flight(self) -> None:
        self.process = uuid.uuid4().hex
        self.beaten = float("-inf")

    def beat_if_due(self) -> None:
        if time.monotonic() - self.beaten >= BEAT_SECONDS:
            self.beat()
            self.beaten = time.monotonic()

    def beat(self) -> None:
        raise NotImplementedError


class ReliableRedisStorage(InFlight, RedisStorage):  # type: ignore[misc]  # huey has no types
    """Messages taken move to `<queue>:inflight:<process>`; `<queue>:alive:<process>`
    expires LEASE_SECONDS after the process's last beat; `<queue>:processes` lists them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_in_flight()
        self.processes_key = f"{self.queue_key}:processes"

    def _alive(self, process: str) -> str:
        return f"{self.queue_key}:alive:{process}"

    def _in_flight(self, process: str) -> str:
        return f"{self.queue_key}:inflight:{process}"

    def beat(self) -> None:
        pipe = self.conn.pipeline()
        pipe.set(self._alive(self.process), 1, ex=LEASE_SECONDS)
        pipe.sadd(self.processes_key, self.process)
        pipe.execute()

    def dequeue(self) -> bytes | None:
        self.beat_if_due()  # alive before anything is in flight
        source, target = self.queue_key, self._in_flight(self.process)
        try:
            if self.blocking:
                taken = self.conn.blmove(source, target, self.read_timeout, "RIGHT", "LEFT")
            else:
                taken = self.conn.lmove(source, target, "RIGHT", "LEFT")
        except TimeoutError:
            return None  # empty; a ConnectionError propagates for Huey's backoff
        return cast(bytes | None, taken)

    def ack(self, data: bytes) -> None:
        self.conn.lrem(self._in_flight(self.process), 1, data)

    def reclaim(self) -> int:
        """Move the in-flight messages of every dead process back; how many there were."""
        moved = 0
        for member in self.conn.smembers(self.processes_key):
            process = member.decode()
            if process == self.process or self.conn.exists(self._alive(process)):
                continue
            # one message at a time, atomically: two consumers reclaiming never double one
            while self.conn.lmove(self._in_flight(process), self.queue_key, "RIGHT", "RIGHT"):
                moved += 1
            self.conn.srem(self.processes_key, process)
        return moved

    def in_flight_size(self) -> int:
        processes = [m.decode() for m in self.conn.smembers(self.processes_key)]
        return sum(self.conn.llen(self._in_flight(p)) for p in processes)

    def flush_queue(self) -> None:
        super().flush_queue()
        for member in self.conn.smembers(self.processes_key):
            self.conn.delete(self._in_flight(member.decode()), self._alive(member.decode()))
        self.conn.delete(self.processes_key)


class ReliableSqliteStorage(InFlight, SqliteStorage):  # type: ignore[misc]
    """Messages taken move to the `inflight` table in the same transaction; `alive` holds
    each process's lease."""

    table_inflight = (
        "create table if not exists inflight (id integer not null primary key, "
        "queue text not null, process text not null, data blob not null)"
    )
    table_alive = (
        "create table if not exists alive (queue text not null, process text not null, "
        "until real not null, primary key(queue, process))"
    )
    ddl = [*SqliteStorage.ddl, table_inflight, table_alive]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_in_flight()

    def beat(self) -> None:
        self.sql(
            "insert or replace into alive (queue, process, until) values (?, ?, ?)",
            (self.name, self.process, time.time() + LEASE_SECONDS),
            commit=True,
        )

    def dequeue(self) -> bytes | None:
        self.beat_if_due()
        if not self.sql("select 1 from task where queue = ? limit 1", (self.name,), results=True):
            return None
        with self.db(commit=True) as curs:
            curs.execute(
                "select id, data from task where queue = ? order by priority desc, id limit 1",
                (self.name,),
            )
            row = curs.fetchone()
            if row is None:
                return None
            curs.execute("delete from task where id = ?", (row[0],))
            curs.execute(
                "insert into inflight (queue, process, data) values (?, ?, ?)",
                (self.name, self.process, row[1]),
            )
            return bytes(row[1])

    def ack(self, data: bytes) -> None:
        self.sql(
            "delete from inflight where id = (select id from inflight "
            "where queue = ? and process = ? and data = ? limit 1)",
            (self.name, self.process, self.to_blob(data)),
            commit=True,
        )

    def reclaim(self) -> int:
        params = (self.name, time.time(), self.process)
        with self.db(commit=True) as curs:
            curs.execute(
                "insert into task (queue, data, priority) select queue, data, 1 from inflight "
                "where queue = ?1 and process in (select process from alive "
                "where queue = ?1 and until < ?2 and process != ?3)",
                params,
            )
            moved = curs.rowcount
            curs.execute(
                "delete from inflight where queue = ?1 and process in (select process from "
                "alive where queue = ?1 and until < ?2 and process != ?3)",
                params,
            )
            curs.execute(
                "delete from alive where queue = ?1 and until < ?2 and process != ?3", params
            )
        return int(moved)

    def in_flight_size(self) -> int:
        rows = self.sql("select count(*) from inflight where queue = ?", (self.name,), results=True)
        return int(rows[0][0])

    def flush_queue(self) -> None:
        super().flush_queue()
        self.sql("delete from inflight where queue = ?", (self.name,), commit=True)
        self.sql("delete from alive where queue = ?", (self.name,), commit=True)


class Reliable:
    """Huey's dequeue and execute with the storages' in-flight lists, and its scheduler's
    loop (every second, in each consumer) as the beat and the reclaim of dead processes'
    tasks; periodic tasks filtered through claim_minute. Mixed in before a Huey class."""

    def dequeue(self) -> Any:
        data = self.storage.dequeue()  # type: ignore[attr-defined]
        if data is None:
            return None
        task = self.deserialize_task(data)  # type: ignore[attr-defined]
        self._in_flight()[task.id] = data
        return task

    def execute(self, task: Any, timestamp: datetime | None = None) -> Any:
        try:
            return super().execute(task, timestamp)  # type: ignore[misc]
        finally:
            data = self._in_flight().pop(task.id, None)
            if data is not None:
                self.storage.ack(data)  # type: ignore[attr-defined]

    def _in_flight(self) -> dict[str, bytes]:
        """The messages this process's workers took, by task id, until their run ends."""
        if "_taken" not in self.__dict__:
            self._taken: dict[str, bytes] = {}
        return self._taken

    def read_schedule(self, timestamp: datetime | None = None) -> list[Any]:
        storage = self.storage  # type: ignore[attr-defined]
        storage.beat_if_due()
        # its own clock: the workers' takes also beat, and must not put the reclaim off
        if time.monotonic() - self.__dict__.get("_reclaimed", float("-inf")) >= BEAT_SECONDS:
            self._reclaimed = time.monotonic()
            storage.reclaim()
        return cast(list[Any], super().read_schedule(timestamp))  # type: ignore[misc]

    def read_periodic(self, timestamp: datetime | None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()  # type: ignore[attr-defined]
        due = super().read_periodic(timestamp)  # type: ignore[misc]
        minute = timestamp.replace(second=0, microsecond=0)
        return [task for task in due if claim_minute(task.name, minute)]


class OnceRedisHuey(Reliable, RedisHuey):  # type: ignore[misc]
    storage_class = ReliableRedisStorage


class OnceSqliteHuey(Reliable, SqliteHuey):  # type: ignore[misc]
    storage_class = ReliableSqliteStorage
