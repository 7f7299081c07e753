"""The shared lookup of fingerprints within a Hamming radius (decision 0020).

Multi-index hashing with posting lists. Each 64-bit value is filed under its four 16-bit
parts: for part i, the FingerprintBucket row(s) of key i << 16 | part hold the value, 8
bytes of a packed array. By the generalised pigeonhole principle, for per-part thresholds
τ_i ≥ -1 with Σ τ_i = radius - PARTS + 1, a value at most `radius` bits away has some part i
at most τ_i bits away from the query's part i (if every part were τ_i + 1 or more away, the
value would be radius + 1 or more away); τ_i = -1 means part i is not probed. So the
buckets of the part values within τ_i of the query's part i, for every i, hold every answer.
Balanced thresholds read the fewest buckets: 188 at radius 8, 428 at radius 10.

A lookup is two statements: one reads those buckets (on PostgreSQL one prepared
statement taking the keys as one array), numpy measures the distance of every value in them (about
76 a bucket among 5 million fingerprints), and a second fetches the Fingerprint rows of the
values within the radius, by an index on value. The answer is exactly a brute-force scan's,
on both databases, and the buckets are tables of the database: every worker and app node
shares them. Filing appends a row per key and batch (no row is updated, so concurrent
checks never wait on each other); `compact`, every minute, merges a key's rows into one.

Buckets come in families, one per set of stored roles a looked-up role may meet
(fingerprints.COMPARABLE): a value is filed in every family that holds its role, and a
lookup reads only its role's family. The crops (VIEW) are most of what is stored and only a
FULL print meets them, so the VIEW and PROBE lookups, most of a photo check, read a
quarter of the bytes; the cost is filing FULL and FRAME values twice.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Any, cast

import numpy as np
import psycopg
from django.db import connection, transaction
from django.db.models import Count

from anxuan.integrity.fingerprints import COMPARABLE, Print, Role, distance, unsigned
from anxuan.integrity.models import Fingerprint, FingerprintBucket

PARTS = 4
PART_BITS = 16
FAMILY_SHIFT = PART_BITS + 2  # a key is family << 18 | part index << 16 | part value
FAMILIES: tuple[tuple[Role, ...], ...] = tuple(dict.fromkeys(COMPARABLE.values()))
ENTRY = np.dtype(">i8")  # how a bucket packs a value (PostgreSQL's int8send too)
SQLITE_KEYS = 900  # keys per statement, below SQLite's bound on parameters
COMPACT_KEYS = 2000  # keys merged per transaction


def parts(value: int) -> tuple[int, ...]:
    bits = unsigned(value)
    return tuple((bits >> (PART_BITS * i)) & 0xFFFF for i in range(PARTS))


def filed_under(value: int, role: Role) -> list[int]:
    """The bucket keys a stored value is filed under: one per part, in each family that
    holds its role."""
    return [
        family << FAMILY_SHIFT | i << PART_BITS | part
        for family, roles in enumerate(FAMILIES)
        if role in roles
        for i, part in enumerate(parts(value))
    ]


@cache
def thresholds(radius: int) -> tuple[int, ...]:
    """Per-part radii τ_i ≥ -1 summing to radius - PARTS + 1, as even as can be (the fewest
    probes: the number of values within τ of a part grows faster than linearly in τ)."""
    total = radius - PARTS + 1
    if total < 0:  # radius + 1 parts probed exactly, the others not at all
        return tuple(0 if i <= radius else -1 for i in range(PARTS))
    base, extra = divmod(total, PARTS)
    return tuple(base + 1 if i < extra else base for i in range(PARTS))


@cache
def _flips(radius: int) -> np.ndarray:
    """Every 16-bit mask of at most `radius` set bits."""
    masks = [
        sum(1 << p for p in positions)
        for k in range(radius + 1)
        for positions in combinations(range(PART_BITS), k)
    ]
    return np.array(masks, dtype=np.int64)


def probes(value: int, radius: int, role: Role) -> list[int]:
    """The bucket keys to read for the values of the roles `role` may meet within `radius`
    of `value`."""
    family = FAMILIES.index(COMPARABLE[role]) << FAMILY_SHIFT
    keys: list[int] = []
    for i, (part, tau) in enumerate(zip(parts(value), thresholds(radius), strict=True)):
        if tau >= 0:
            keys += ((_flips(tau) ^ part) | (family | i << PART_BITS)).tolist()
    return keys


def row(print_: Print, **owner: object) -> Fingerprint:
    return Fingerprint(role=print_.role, value=print_.value, at=print_.at, **owner)


def store(rows: Iterable[Fingerprint]) -> list[Fingerprint]:
    """Save fingerprints and file their values, in one transaction."""
    with transaction.atomic():
        made = Fingerprint.objects.bulk_create(rows, batch_size=2000)
        _file((row.value, cast(Role, row.role)) for row in made)
    return made


def _file(prints: Iterable[tuple[int, Role]]) -> None:
    entries: dict[int, list[int]] = defaultdict(list)
    for value, role in prints:
        for key in filed_under(value, role):
            entries[key].append(value)
    FingerprintBucket.objects.bulk_create(
        (
            FingerprintBucket(key=key, entries=np.array(found, dtype=ENTRY).tobytes())
            for key, found in entries.items()
        ),
        batch_size=2000,
    )


def rebuild() -> int:
    """File every stored fingerprint again, from nothing (after a bulk load, or to drop the
    values of deleted fingerprints); returns the number of values filed."""
    with transaction.atomic():
        FingerprintBucket.objects.all().delete()
        if connection.vendor != "postgresql":
            prints = cast(
                list[tuple[int, Role]], list(Fingerprint.objects.values_list("value", "role"))
            )
            _file(prints)
            return len(prints)
        buckets = connection.ops.quote_name(FingerprintBucket._meta.db_table)
        table = connection.ops.quote_name(Fingerprint._meta.db_table)
        with connection.cursor() as cursor:
            for family, roles in enumerate(FAMILIES):
                for i in range(PARTS):
                    cursor.execute(
                        f"INSERT INTO {buckets} (key, entries)"  # noqa: S608
                        f" SELECT {family << FAMILY_SHIFT | i << PART_BITS}"
                        f" | ((value >> {PART_BITS * i}) & 65535)::integer,"
                        f" string_agg(int8send(value), ''::bytea) FROM {table}"
                        " WHERE role = ANY(%s) GROUP BY 1",
                        [list(roles)],
                    )
            # Statistics now: without them the planner takes a read of 428 keys for most of
            # the table and scans it all (50 ms against 2).
            cursor.execute(f"ANALYZE {buckets}")
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            return cast(int, cursor.fetchone()[0])


def compact(limit: int = COMPACT_KEYS) -> int:
    """Merge the rows of up to `limit` keys filed more than once; returns how many keys.
    Readers see the rows before or after, never a half (one transaction); two compactions
    at once lock the same rows in the same order, and the second finds them gone."""
    keys = list(
        FingerprintBucket.objects.values("key")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
        .order_by("key")
        .values_list("key", flat=True)[:limit]
    )
    if not keys:
        return 0
    with transaction.atomic():
        rows = list(
            FingerprintBucket.objects.select_for_update()
            .filter(key__in=keys)
            .order_by("key", "id")
            .values_list("id", "key", "entries")
        )
        merged: dict[int, list[bytes]] = defaultdict(list)
        for _pk, key, entries in rows:
            merged[key].append(bytes(entries))
        FingerprintBucket.objects.filter(id__in=[pk for pk, _key, _entries in rows]).delete()
        FingerprintBucket.objects.bulk_create(
            FingerprintBucket(key=key, entries=b"".join(chunks)) for key, chunks in merged.items()
        )
    return len(merged)


@dataclass(frozen=True)
class Hit:
    query: Print
    fingerprint_id: int
    attachment_id: int | None
    material_id: int | None
    role: Role
    at: float | None
    distance: int


def nearby(prints: Sequence[Print], radius: int) -> list[Hit]:
    """Every stored fingerprint within `radius` bits of one of `prints`, of a role that the
    print's role may meet (fingerprints.COMPARABLE), nearest first."""
    hits: list[Hit] = []
    for query in prints:
        if radius >= 0:
            hits += _nearby(query, radius)
    hits.sort(key=lambda hit: hit.distance)
    return hits


def _nearby(query: Print, radius: int) -> list[Hit]:
    values = within(query.value, radius, query.role)
    if not values:
        return []
    roles = list(COMPARABLE[query.role])
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Fingerprint._meta.db_table)
        rows = _pg(
            f"SELECT id, attachment_id, material_id, role, at, value FROM {table}"  # noqa: S608
            " WHERE value = ANY(%s::bigint[]) AND role = ANY(%s::text[])",
            [values, roles],
        )
    else:
        rows = list(
            Fingerprint.objects.filter(value__in=values, role__in=roles).values_list(
                "id", "attachment_id", "material_id", "role", "at", "value"
            )
        )
    return [
        Hit(query, pk, attachment, material, cast(Role, role), at, distance(value, query.value))
        for pk, attachment, material, role, at, value in rows
    ]


def within(value: int, radius: int, role: Role) -> list[int]:
    """The distinct stored values of the roles `role` may meet within `radius` bits of
    `value`."""
    stored = np.frombuffer(_read(probes(value, radius, role)), dtype=ENTRY).astype(np.int64)
    near = np.bitwise_count((stored ^ np.int64(value)).view(np.uint64)) <= radius
    return cast(list[int], np.unique(stored[near]).tolist())


def _read(keys: list[int]) -> bytes:
    """The entries of the buckets of `keys`, end to end."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(FingerprintBucket._meta.db_table)
        # The keys go as an array's text (psycopg adapts a list item by item, 0.4 ms for
        # 428 keys) and the buckets come back as rows (the server's string_agg took longer).
        rows = _pg(
            f"SELECT entries FROM {table} WHERE key = ANY(%s::text::integer[])",  # noqa: S608
            ["{" + ",".join(map(str, keys)) + "}"],
        )
        return b"".join(entries for (entries,) in rows)
    chunks: list[bytes] = []
    for start in range(0, len(keys), SQLITE_KEYS):
        batch = keys[start : start + SQLITE_KEYS]
        chunks += FingerprintBucket.objects.filter(key__in=batch).values_list("entries", flat=True)
    return b"".join(chunks)


def _pg(sql: str, params: list[object]) -> list[tuple[Any, ...]]:
    """Rows of one statement on Django's connection through psycopg's own cursor, binding
    server-side and reading binary: Django's cursor binds client-side and reads text, and
    the hex of ~260 kB of buckets at radius 10 took longer to parse than the lookup."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True, prepare=True)
        return cursor.fetchall()
