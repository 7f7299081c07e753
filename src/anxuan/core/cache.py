"""Django's database cache, made fit for counters that every worker and machine shares
(decision 0018): `add` and `incr` are each one atomic step in the database.

Django's own `add` counts the whole table, then tries an INSERT that fails with a unique
violation (an ERROR in PostgreSQL's log) whenever the key exists; its `incr` is a `get`
and a `set`, so two workers counting at once lose one count; and once the table holds
MAX_ENTRIES rows its culling deletes live entries too. Values keep Django's format, so
`get`, `set` and `delete` are Django's."""

import base64
import pickle
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class CounterDatabaseCache(DatabaseCache):
    _table: str  # set by Django's DatabaseCache

    def _encode(self, value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        """Store `value` unless the key holds an unexpired one; one statement. Expired rows
        go at the same time (the `expires` column is indexed)."""
        key = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        expires = (
            datetime.max.replace(tzinfo=UTC)
            if seconds is None
            else datetime.fromtimestamp(seconds, tz=UTC)
        )
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        q = connection.ops.quote_name
        table = q(self._table)
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({q('cache_key')}, {q('value')}, {q('expires')}) "  # noqa: S608 - quoted names only
                f"VALUES (%s, %s, %s) ON CONFLICT ({q('cache_key')}) DO UPDATE SET "
                f"{q('value')} = EXCLUDED.{q('value')}, {q('expires')} = EXCLUDED.{q('expires')} "
                f"WHERE {table}.{q('expires')} < %s",
                [
                    key,
                    self._encode(value),
                    connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0)),
                    now,
                ],
            )
            added = int(cursor.rowcount) == 1
            if added:  # a new key or window: a good moment to drop the expired ones
                cursor.execute(
                    f"DELETE FROM {table} WHERE {q('expires')} < %s",  # noqa: S608 - quoted names only
                    [now],
                )
        return added

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to a stored number under a row lock (PostgreSQL) or the write lock
        (SQLite's IMMEDIATE transactions), so concurrent counts are never lost."""
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        q = connection.ops.quote_name
        table = q(self._table)
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('value')} FROM {table} "  # noqa: S608 - quoted names only
                f"WHERE {q('cache_key')} = %s AND {q('expires')} >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 - written by this cache
            value = int(stored) + delta
            cursor.execute(
                f"UPDATE {table} SET {q('value')} = %s WHERE {q('cache_key')} = %s",  # noqa: S608 - quoted names only
                [self._encode(value), key],
            )
        return value
