"""B4 photo-fingerprint lookup: the app's multi-index lookup (integrity.index.nearby, posting
lists in FingerprintBucket) on 5 000 000 stored fingerprints in PostgreSQL, against brute
force and the layouts it replaced, and the hashing rate.

  .venv/bin/python bench/b4_fingerprint_lookup.py [--rows 5000000] [--queries 500] [--fresh]
  .venv/bin/python bench/b4_fingerprint_lookup.py --quick     # 200 000 rows, 100 queries

Makes (once; `--fresh` to make again) the database anxuan_b4, migrated with the app's
migrations, and loads `--rows` fingerprints with COPY: random 64-bit values, roles as real
data has them (per photo one FULL and 9 VIEW rows, per video FRAME rows), arbitrary
attachment ids (foreign keys are not checked during the load), filed into the buckets by
integrity.index.rebuild (new fingerprints are filed, then compacted: the same rows). Then
for radii 4, 6, 8, 10
it runs the same queries (half a stored value with k ≤ r random bits flipped, half random
values; the query's role as a photo check asks: FULL, VIEW, PROBE) through:
- numpy: xor and np.bitwise_count over every stored value in memory (the exact answer);
- PostgreSQL sequential scan: the same filter with index scans off (fewer queries, slow);
- index: anxuan.integrity.index.nearby through Django, the code under test;
- 4 × 16-bit B-tree parts (`--parts`): the layout before the buckets, each part a column
  with an index on (part, value, role, id), one index-only-scan statement, in a side table;
- 3 × 21-bit B-tree parts (`--parts`): the same with three parts;
each query going through every method in turn, and prints p50/p95/p99 ms, the index's
recall against numpy (must be 1.0) and the ratio of brute-force p99 to index p99. Then it
times fingerprints.photo_facts on generated 12 MP and 1600 × 1200 JPEGs, one process per
core.
"""

import argparse
import io
import multiprocessing
import os
import random
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
RADII = (4, 6, 8, 10)
ROLES = ("full", "view", "frame")  # stored, by code 0, 1, 2
QUERY_ROLES = ("full",) + ("view",) * 9 + ("probe",) * 7  # the prints of one photo's check
TABLE = "integrity_fingerprint"
BUCKETS = "integrity_fingerprintbucket"


def load(n: int) -> None:
    """`n` fingerprint rows by binary COPY, the part indexes made after the load."""
    import psycopg
    from django.db import connection

    from anxuan.integrity import index

    rng = np.random.default_rng(4)
    values = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64, endpoint=True)
    # A photo is 10 rows (FULL then 9 VIEW); a video 20 FRAME rows; a fifth of rows frames.
    role = np.empty(n, dtype=np.int8)
    attachment = np.empty(n, dtype=np.int64)
    i, item = 0, 1
    kinds = rng.random(n // 10 + 1) < 0.9
    for photo in kinds:
        if i >= n:
            break
        size = 10 if photo else 20
        end = min(n, i + size)
        role[i:end] = 1 if photo else 2
        if photo:
            role[i] = 0
        attachment[i:end] = item
        i, item = end, item + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexname = 'fingerprint_value'",
            [TABLE],
        )
        indexes = cursor.fetchall()
    raw = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    raw.execute(f"TRUNCATE {TABLE}")
    for name, _ in indexes:
        raw.execute(f"DROP INDEX {name}")
    t0 = time.perf_counter()
    with raw.transaction():
        raw.execute("SET LOCAL session_replication_role = replica")  # no FK checks
        for code, word in enumerate(ROLES):
            rows = np.flatnonzero(role == code)
            width = len(word)
            dtype = np.dtype(
                [("n", ">i2")]
                + [(f, [("len", ">i4"), ("v", ">i8")]) for f in ("id", "att")]
                + [("role", [("len", ">i4"), ("v", f"S{width}")])]
                + [("value", [("len", ">i4"), ("v", ">i8")])]
            )
            buf = np.zeros(len(rows), dtype=dtype)
            buf["n"] = 4
            buf["id"]["len"], buf["id"]["v"] = 8, rows + 1
            buf["att"]["len"], buf["att"]["v"] = 8, attachment[rows]
            buf["role"]["len"], buf["role"]["v"] = width, word.encode()
            buf["value"]["len"], buf["value"]["v"] = 8, values[rows]
            copy_sql = f"COPY {TABLE} (id, attachment_id, role, value) FROM STDIN (FORMAT binary)"
            with raw.cursor().copy(copy_sql) as copy:
                copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
                step = 1_000_000
                for start in range(0, len(buf), step):
                    copy.write(buf[start : start + step].tobytes())
                copy.write(struct.pack(">h", -1))
    raw.execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), {n})")
    print(f"loaded {n:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    raw.execute("SET maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        raw.execute(definition)
    raw.execute(f"VACUUM ANALYZE {TABLE}")
    print(f"indexed and vacuumed in {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    index.rebuild()
    raw.execute(f"VACUUM ANALYZE {BUCKETS}")
    print(f"filed into {BUCKETS} in {time.perf_counter() - t0:.1f} s", flush=True)
    raw.close()


def stored() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ids, values and role codes of every stored row, by binary COPY."""
    import psycopg

    dtype = np.dtype(
        [
            ("n", ">i2"),
            ("l1", ">i4"),
            ("id", ">i8"),
            ("l2", ">i4"),
            ("value", ">i8"),
            ("l3", ">i4"),
            ("role", ">i2"),
        ]
    )
    out = io.BytesIO()
    with psycopg.connect(os.environ["DATABASE_URL"]) as raw, raw.cursor() as cur:
        sql = (
            f"COPY (SELECT id, value, (CASE role WHEN 'full' THEN 0 WHEN 'view' THEN 1"  # noqa: S608
            f" ELSE 2 END)::int2 FROM {TABLE} ORDER BY id) TO STDOUT (FORMAT binary)"
        )
        with cur.copy(sql) as copy:
            for chunk in copy:
                out.write(chunk)
    data = out.getbuffer()[19:-2]
    rows = np.frombuffer(data, dtype=dtype)
    return (
        rows["id"].astype(np.int64),
        rows["value"].astype(np.int64).view(np.uint64),
        rows["role"].astype(np.int8),
    )


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def queries(values: np.ndarray, radius: int, count: int, seed: int) -> list[tuple[str, int]]:
    """(role, unsigned value): half stored values with k ≤ radius bits flipped, half random."""
    r = random.Random(seed)
    out = []
    for i in range(count):
        role = r.choice(QUERY_ROLES)
        if i % 2 == 0:
            value = int(values[r.randrange(len(values))])
            for bit in r.sample(range(64), r.randint(0, radius)):
                value ^= 1 << bit
        else:
            value = r.getrandbits(64)
        out.append((role, value))
    return out


def signed(bits: int) -> int:
    return bits - (1 << 64) if bits >= 1 << 63 else bits


def lookups(args: argparse.Namespace) -> None:
    import psycopg
    from django.db import connection

    from anxuan.integrity import index
    from anxuan.integrity.fingerprints import COMPARABLE, Print

    ids, values, roles = stored()
    allowed = {q: np.isin(roles, [ROLES.index(s) for s in COMPARABLE[q]]) for q in set(QUERY_ROLES)}
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) FROM"
            " pg_stat_user_indexes WHERE relname = %s ORDER BY 1",
            [TABLE],
        )
        sizes = cursor.fetchall()
        cursor.execute(f"SELECT pg_size_pretty(pg_relation_size('{TABLE}'))")
        heap = cursor.fetchone()[0]
    print(f"rows {len(ids):,}; shared_buffers {buffers}; table {heap}; indexes:", end="")
    print(", ".join(f" {name} {size}" for name, size in sizes))

    seq = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
        seq.execute(f"SET {setting} = off")
    seq.execute("SET max_parallel_workers_per_gather = 0")  # one core, like the others
    seq_sql = (
        f"SELECT id FROM {TABLE} WHERE role = ANY(%s)"  # noqa: S608
        " AND bit_count((value # %s)::bit(64)) <= %s"
    )

    def brute(role: str, value: int, radius: int) -> set[int]:
        near = np.bitwise_count(values ^ np.uint64(value)) <= radius
        return set(ids[near & allowed[role]].tolist())

    methods = {
        "PG sequential scan": lambda role, value, radius: {
            row[0]
            for row in seq.execute(
                seq_sql, [list(COMPARABLE[role]), signed(value), radius]
            ).fetchall()
        },
        "index (nearby)": lambda role, value, radius: {
            hit.fingerprint_id for hit in index.nearby([Print(role, signed(value))], radius)
        },
    }
    layouts = [PartsTable((16, 16, 16, 16)), PartsTable((21, 21, 22))] if args.parts else []
    for layout in layouts:
        methods[layout.name] = layout.lookup
    connection.ensure_connection()
    print(f"load average before the lookups: {os.getloadavg()}")
    header = f"{'radius':>6} {'method':<20} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(header + f" {'recall':>7} {'hits/q':>7} {'probes':>7}")
    summary = []
    for radius in args.radii:
        qs = queries(values, radius, args.queries, seed=radius)
        # numpy first, alone: its pass over 40 MB empties the CPU caches, which would slow
        # whichever method ran next. It is also the exact answer the others are held to.
        truth, brute_times = [], []
        for role, value in qs:
            t0 = time.perf_counter()
            truth.append(brute(role, value, radius))
            brute_times.append((time.perf_counter() - t0) * 1000)
        p99 = {}
        # Then query by query, the database methods in a random order each time, so that
        # no method pays alone for the pages another brought into the caches.
        times: dict[str, list[float]] = {"numpy brute force": brute_times}
        times |= {name: [] for name in methods}
        counts = {name: [0, 0, 0] for name in times}  # found, missed, beyond the radius
        counts["numpy brute force"][0] = sum(len(t) for t in truth)
        for role, value in qs[:5]:  # warm the caches
            for method in methods.values():
                method(role, value, radius)
        names = list(methods)
        order = random.Random(radius)
        for i, ((role, value), expected) in enumerate(zip(qs, truth, strict=True)):
            order.shuffle(names)
            for name in names:
                if name.startswith("PG sequential") and i >= args.seq_queries:
                    continue
                t0 = time.perf_counter()
                got = methods[name](role, value, radius)
                times[name].append((time.perf_counter() - t0) * 1000)
                counts[name][0] += len(got & expected)
                counts[name][1] += len(expected - got)
                counts[name][2] += len(got - expected)
        for name in times:
            found, missed, extra = counts[name]
            subset = times[name]
            recall = found / (found + missed) if found + missed else 1.0
            assert extra == 0, f"{name} returned {extra} rows beyond the radius"
            p99[name] = pct(subset, 0.99)
            layout = next((t for t in layouts if t.name == name), None)
            probes = (
                len(index.probes(0, radius, "full"))
                if name.startswith("index")
                else layout.probes(radius)
                if layout
                else ""
            )
            print(
                f"{radius:>6} {name:<20} {len(subset):>5} {pct(subset, 0.5):>8.2f}"
                f" {pct(subset, 0.95):>8.2f} {p99[name]:>8.2f} {recall:>7.4f}"
                f" {(found + missed) / len(subset):>7.2f} {probes:>7}",
                flush=True,
            )
        summary.append((radius, p99))
    print(f"load average after the lookups: {os.getloadavg()}")
    for radius, p99 in summary:
        print(
            f"r={radius}: numpy p99 / index p99 = "
            f"{p99['numpy brute force'] / p99['index (nearby)']:.1f}×, PG seq scan p99 / index"
            f" p99 = {p99['PG sequential scan'] / p99['index (nearby)']:.0f}×"
        )
    explain(8)
    seq.close()


def split(radius: int, m: int) -> list[int]:
    """Balanced thresholds τ_i ≥ -1 summing to radius - m + 1 (as index.thresholds)."""
    total = radius - m + 1
    if total < 0:
        return [0 if i <= radius else -1 for i in range(m)]
    base, extra = divmod(total, m)
    return [base + 1 if i < extra else base for i in range(m)]


class PartsTable:
    """A layout measured against the buckets: parts of the given widths as columns of a side
    table made from the app's rows, each indexed on (q_i, value, role, id), looked up by one
    prepared statement of index-only scans that check role and distance on the index entry,
    with the generalised pigeonhole thresholds (4 × 16 is the app's layout before buckets)."""

    def __init__(self, widths: tuple[int, ...]) -> None:
        import psycopg

        self.widths = widths
        self.name = f"{len(widths)} × {widths[0]}-bit B-tree"
        self.side = f"b4_parts_{len(widths)}"
        self.conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        count = self.conn.execute(
            "SELECT count(*) FROM pg_class WHERE relname = %s", [self.side]
        ).fetchone()
        rows = self.conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()  # noqa: S608
        side = (
            self.conn.execute(f"SELECT count(*) FROM {self.side}").fetchone()  # noqa: S608
            if count and count[0]
            else None
        )
        if side != rows:
            t0, shift, columns = time.perf_counter(), 0, []
            for i, width in enumerate(widths):
                columns.append(f"((value >> {shift}) & {(1 << width) - 1})::int AS q{i}")
                shift += width
            self.conn.execute(f"DROP TABLE IF EXISTS {self.side}")
            self.conn.execute(
                f"CREATE TABLE {self.side} AS SELECT id, value, role, "  # noqa: S608
                f"{', '.join(columns)} FROM {TABLE}"
            )
            self.conn.execute("SET maintenance_work_mem = '512MB'")
            for i in range(len(widths)):
                self.conn.execute(
                    f"CREATE INDEX {self.side}_q{i} ON {self.side} (q{i}, value, role, id)"
                )
            self.conn.execute(f"VACUUM ANALYZE {self.side}")
            print(f"made {self.side} in {time.perf_counter() - t0:.1f} s", flush=True)
        self.flips: dict[tuple[int, int], list[int]] = {}

    def masks(self, width: int, tau: int) -> list[int]:
        from itertools import combinations

        if (width, tau) not in self.flips:
            self.flips[width, tau] = [
                sum(1 << p for p in c)
                for k in range(tau + 1)
                for c in combinations(range(width), k)
            ]
        return self.flips[width, tau]

    def probes(self, radius: int) -> int:
        return sum(
            len(self.masks(w, t))
            for w, t in zip(self.widths, split(radius, len(self.widths)), strict=True)
            if t >= 0
        )

    def lookup(self, role: str, value: int, radius: int) -> set[int]:
        from anxuan.integrity.fingerprints import COMPARABLE

        branches, params, shift = [], [], 0
        thresholds = split(radius, len(self.widths))
        for i, (width, tau) in enumerate(zip(self.widths, thresholds, strict=True)):
            part = (value >> shift) & ((1 << width) - 1)
            shift += width
            if tau < 0:
                continue
            branches.append(
                f"SELECT id FROM {self.side} WHERE q{i} = ANY(%s::integer[])"  # noqa: S608
                " AND role = ANY(%s::text[])"
                " AND bit_count((value # %s::bigint)::bit(64)) <= %s::integer"
            )
            params += [
                [part ^ m for m in self.masks(width, tau)],
                list(COMPARABLE[role]),  # type: ignore[index]
                signed(value),
                radius,
            ]
        sql = " UNION ALL ".join(branches)
        return {row[0] for row in self.conn.execute(sql, params, prepare=True).fetchall()}


def explain(radius: int) -> None:
    """The plan of one lookup's bucket read at `radius`: index scans, buffers, time."""
    from django.db import connection

    from anxuan.integrity import index

    keys = index.probes(signed(random.Random(1).getrandbits(64)), radius, "full")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT string_agg(entries, ''::bytea)"  # noqa: S608
            f" FROM {BUCKETS} WHERE key = ANY(%s)",
            [keys],
        )
        plan = [line for (line,) in cursor.fetchall()]
        cursor.execute(f"SELECT pg_size_pretty(pg_total_relation_size('{BUCKETS}'))")
        size = cursor.fetchone()[0]
    print(f"plan of one bucket read at r={radius} ({len(keys)} keys; {BUCKETS} {size}):")
    for line in plan:
        if any(w in line for w in ("Scan", "Buffers", "Execution", "Planning")):
            print("   ", line.strip()[:150])


# Hashing ---------------------------------------------------------------------------------


def jpeg(seed: int, size: tuple[int, int]) -> bytes:
    """A photo-like JPEG: smooth gradients, shapes and sensor noise, with an EXIF date."""
    from PIL import Image, ImageDraw, ImageFilter

    r = random.Random(seed)
    w, h = size
    small = Image.new("RGB", (w // 8, h // 8), tuple(r.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(small)
    for _ in range(30):
        x, y = r.randrange(w // 8), r.randrange(h // 8)
        box = [x, y, x + r.randrange(10, w // 16), y + r.randrange(10, h // 16)]
        draw.ellipse(box, fill=tuple(r.randrange(256) for _ in range(3)))
    image = small.resize(size, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(3))
    noise = np.random.default_rng(seed).integers(-12, 12, size=(h, w, 3), dtype=np.int16)
    pixels = np.clip(np.asarray(image, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[0x0132] = "2026:06:02 10:30:00"
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def _hash_worker(payload: tuple[list[bytes], float]) -> tuple[int, float]:
    from anxuan.integrity.fingerprints import photo_facts

    photos, seconds = payload
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        photo_facts(io.BytesIO(photos[done % len(photos)]))
        done += 1
    return done, time.perf_counter() - t0


def hashing(args: argparse.Namespace) -> None:
    if "DJANGO_SETTINGS_MODULE" not in os.environ:  # fingerprints reads the upload bounds
        os.environ.update(
            ANXUAN_VAR_DIR=tempfile.mkdtemp(prefix="anxuan-b4-"),
            DJANGO_SETTINGS_MODULE="anxuan.settings",
            LOG_LEVEL="ERROR",
        )
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
    cores = os.cpu_count() or 1
    print(f"hashing, one process per core ({cores}); load average {os.getloadavg()}")
    for label, size in (("12 MP 4000×3000", (4000, 3000)), ("1600×1200", (1600, 1200))):
        photos = [jpeg(seed, size) for seed in range(3)]
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            results = pool.map(_hash_worker, [(photos, args.hash_seconds)] * cores)
        rates = [done / elapsed for done, elapsed in results]
        print(
            f"  {label:<16} {statistics.mean(rates):6.1f} photos/s per core"
            f" ({sum(d for d, _ in results)} photos, {len(photos[0]) // 1024} KB each)"
        )


def setup_django(url: str, fresh: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{url.rsplit('/', 1)[0]}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if fresh and exists:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
        if fresh or not exists:
            conn.execute(f"CREATE DATABASE {name}")
    os.environ.update(
        DATABASE_URL=url,
        ANXUAN_VAR_DIR=tempfile.mkdtemp(prefix="anxuan-b4-"),
        DJANGO_SETTINGS_MODULE="anxuan.settings",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=f"{PG}/anxuan_b4")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=500, help="per radius and method")
    parser.add_argument("--seq-queries", type=int, default=20, help="for the PG seq scan")
    parser.add_argument("--radii", type=int, nargs="+", default=list(RADII))
    parser.add_argument("--fresh", action="store_true", help="make the database again")
    parser.add_argument("--quick", action="store_true", help="200 000 rows, 100 queries")
    parser.add_argument("--hash-seconds", type=float, default=10.0)
    parser.add_argument("--no-lookups", action="store_true")
    parser.add_argument("--no-hashing", action="store_true")
    parser.add_argument(
        "--parts", action="store_true", help="also 4 × 16 and 3 × 21-bit B-tree layouts"
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.queries, args.seq_queries, args.hash_seconds = 200_000, 100, 10, 3.0
        if args.db == f"{PG}/anxuan_b4":
            args.db = f"{PG}/anxuan_b4_quick"
    if not args.no_lookups:
        setup_django(args.db, args.fresh)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            if cursor.fetchone()[0] != args.rows:
                load(args.rows)
        lookups(args)
    if not args.no_hashing:
        hashing(args)


if __name__ == "__main__":
    main()
