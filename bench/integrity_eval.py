"""Planted-set evaluation of the integrity app's formalism detection: reused photos, reused
videos and copied text.

  .venv/bin/python bench/integrity_eval.py [--quick] [--seed 1] [--processes 2] [--radius 10]
                                           [--keep]

Builds a planted set in a temporary directory (bench/integrity_planted.py): genuine,
mutually different photos, videos and weekly reports, plus copies disguised the way units
disguise them, and runs the app's own functions over it:
- photos and videos are fingerprinted (fingerprints.photo_facts / video_prints, in a
  process pool), the stored roles of every genuine item go into the Fingerprint table of a
  throwaway SQLite database, and every copy and every genuine item is looked up with
  index.nearby and judged by check_media's rule: a photo is a reuse when any print is within
  the radius of another item's (role-compatible) print; a video is a reuse of another video
  only when at least Rules.video_frames distinct stored frames of it are met;
- texts get fingerprints.signature; candidates are the texts sharing a band key (in memory,
  the same keys as TextBand), judged as checks.similar_texts does: estimate not below the
  threshold by more than ESTIMATE_MARGIN, then exact Jaccard of the shingle sets (shared
  text removed) at least Rules.text_similarity. What the MinHash estimate alone would give
  is printed too. Texts are run with the campaign theme kept and removed (shared_shingles).

Recall counts a copy flagged against its own source; a false flag is a genuine item flagged
against another genuine item. --quick runs about a tenth of the sizes. --keep leaves the
temporary directory (files and database) in place.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import integrity_planted as planted  # beside this script: on sys.path when it is run

ROOT = Path(__file__).resolve().parents[1]

PHOTO_RECALL, TEXT_RECALL, FALSE_RATE = 0.99, 0.95, 0.01
VIDEO_RECALL = PHOTO_RECALL  # the brief names no video target: held to the photo one
VIDEO_BASE = 1_000_000  # attachment ids of genuine videos start above the photos'

PrintTuple = tuple[str, int, float | None]


def setup_django(var: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        ANXUAN_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="anxuan.settings", LOG_LEVEL="ERROR"
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# Work done in the pool ------------------------------------------------------------------

_state: dict[str, Any] = {}


def _tuples(prints: Iterable[Any]) -> list[PrintTuple]:
    return [(p.role, p.value, p.at) for p in prints]


def _photo_prints(path: Path) -> list[PrintTuple] | str:
    from anxuan.integrity import fingerprints

    try:
        with path.open("rb") as file:
            return _tuples(fingerprints.photo_facts(file).prints)
    except fingerprints.Unreadable as exc:
        return f"unreadable: {exc}"


def _video_prints(path: Path) -> list[PrintTuple] | str:
    from anxuan.integrity import fingerprints

    try:
        return _tuples(fingerprints.video_prints(str(path)))
    except fingerprints.Unreadable as exc:
        return f"unreadable: {exc}"


def photo_task(job: tuple[int, int, int | None]) -> dict[str, Any]:
    """Genuine photo `index` drawn, saved and fingerprinted; with a copy seed, a disguised
    copy of it too."""
    index, seed, copy_seed = job
    folder = Path(_state["dir"]) / "photos"
    data, fmt = planted.genuine_photo(seed)
    path = folder / f"{index:05d}.{'heic' if fmt == 'HEIF' else 'jpg'}"
    path.write_bytes(data)
    out: dict[str, Any] = {
        "index": index,
        "fmt": fmt,
        "path": str(path),
        "prints": _photo_prints(path),
    }
    if copy_seed is not None:
        copy, edits = planted.photo_copy(data, fmt, copy_seed)
        copy_path = folder / f"{index:05d}-copy.bin"
        copy_path.write_bytes(copy)
        out["copy"] = {"edits": edits, "path": str(copy_path), "prints": _photo_prints(copy_path)}
    return out


def sample_task(job: tuple[int, str]) -> dict[str, Any]:
    index, path = job
    return {"index": index, "path": path, "prints": _photo_prints(Path(path))}


def video_task(job: tuple[int, int]) -> dict[str, Any]:
    """Genuine video `index` made and fingerprinted, then three copies of it: re-encoded,
    trimmed, and a still saved as a photo."""
    index, seed = job
    folder = Path(_state["dir"]) / "videos"
    video = planted.genuine_video(seed)
    path = folder / f"{index:04d}.video"
    path.write_bytes(video.data)
    out: dict[str, Any] = {
        "index": index,
        "seconds": video.seconds,
        "size": video.size,
        "path": str(path),
        "prints": _video_prints(path),
        "copies": [],
    }
    frames = planted.decoded(video.data)
    r = random.Random(seed)
    data, how = planted.reencoded(frames, video, r)
    (folder / f"{index:04d}-reencoded.video").write_bytes(data)
    out["copies"].append(
        {
            "kind": "re-encoded",
            "how": how,
            "path": str(folder / f"{index:04d}-reencoded.video"),
            "prints": _video_prints(folder / f"{index:04d}-reencoded.video"),
        }
    )
    data, kept, how = planted.trimmed(frames, video, r)
    (folder / f"{index:04d}-trimmed.video").write_bytes(data)
    out["copies"].append(
        {
            "kind": "trimmed",
            "how": how,
            "path": str(folder / f"{index:04d}-trimmed.video"),
            "kept": kept,
            "prints": _video_prints(folder / f"{index:04d}-trimmed.video"),
        }
    )
    data, number = planted.still(frames, r)
    (folder / f"{index:04d}-still.img").write_bytes(data)
    out["copies"].append(
        {
            "kind": "still (photo)",
            "how": f"frame at {number / video.fps:.1f}s",
            "at": number / video.fps,
            "path": str(folder / f"{index:04d}-still.img"),
            "prints": _photo_prints(folder / f"{index:04d}-still.img"),
        }
    )
    return out


def lookup_task(job: tuple[int, list[tuple[Any, list[PrintTuple]]]]) -> list[tuple[Any, dict]]:
    """index.nearby for each (key, prints): per attachment met, the nearest distance and the
    distinct stored FRAME prints met."""
    from anxuan.integrity import index
    from anxuan.integrity.fingerprints import FRAME, Print

    radius, items = job
    if "tuned" not in _state:  # the whole table in this worker's page cache
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
            cursor.execute("PRAGMA mmap_size = 536870912")
        _state["tuned"] = True
    answers = []
    for key, prints in items:
        met: dict[int, list[Any]] = {}
        for hit in index.nearby([Print(role, value, at) for role, value, at in prints], radius):
            # Nearest first: the first hit's times are where the second look looks.
            entry = met.setdefault(hit.attachment_id, [hit.distance, set(), hit.query.at, hit.at])
            entry[0] = min(entry[0], hit.distance)
            if hit.role == FRAME:
                entry[1].add(hit.fingerprint_id)
        answers.append(
            (key, {aid: (d, len(frames), q_at, at) for aid, (d, frames, q_at, at) in met.items()})
        )
    return answers


Picture = tuple[str, float | None]  # a file, and for a video the frame's time


def same_task(pair: tuple[Picture, Picture]) -> tuple[tuple[Picture, Picture], float | None]:
    """compare.same_picture of two photos or video frames, as check_media's second look;
    None when one of them cannot be read."""
    from anxuan.integrity import compare, fingerprints

    def picture(path: str, at: float | None) -> Any:
        if at is not None:
            return fingerprints.video_picture(path, at)
        with open(path, "rb") as file:
            return fingerprints.work_picture(file)

    try:
        return pair, compare.same_picture(picture(*pair[0]), picture(*pair[1]))
    except fingerprints.Unreadable:
        return pair, None


def second_look(
    pool: Any, found: dict[Any, dict], queries: dict[Any, Picture], paths: dict[int, str]
) -> tuple[int, int]:
    """check_media's second look: of the items each query met, drop those that
    compare.same_picture does not call one picture with it (a video meeting a video is
    judged by its frames instead). `queries` gives a query's file and whether it is a
    video (time 0.0) or a photo (None); `paths` every stored item's file. Returns (pairs
    looked at, dropped)."""
    from anxuan.integrity.compare import SAME_PICTURE

    def pair(key: Any, aid: int, q_at: float | None, at: float | None) -> tuple | None:
        path, video = queries[key]
        if aid not in paths or paths[aid] == path or (video is not None and aid >= VIDEO_BASE):
            return None
        return (path, q_at if video is not None else None), (
            paths[aid],
            at if aid >= VIDEO_BASE else None,
        )

    looks = {
        key: {aid: pair(key, aid, entry[2], entry[3]) for aid, entry in met.items()}
        for key, met in found.items()
        if key in queries
    }
    todo = sorted({p for by_aid in looks.values() for p in by_aid.values() if p is not None})
    scores = dict(pool.imap_unordered(same_task, todo, chunksize=4))
    dropped = 0
    for key, by_aid in looks.items():
        for aid, p in by_aid.items():
            if p is not None and (scores[p] is None or scores[p] < SAME_PICTURE):
                del found[key][aid]
                dropped += 1
    return len(todo), dropped


def signature_task(job: tuple[list[str], frozenset[str]]) -> list[tuple[bytes, list[int]] | None]:
    from anxuan.integrity import fingerprints

    texts, shared = job
    out = []
    for text in texts:
        signature = fingerprints.signature(text, shared)
        out.append(None if signature is None else (signature.to_bytes(), signature.bands))
    return out


def _init(directory: str) -> None:
    _state["dir"] = directory


# Evaluation ------------------------------------------------------------------------------


@dataclass
class Row:
    kind: str
    items: int
    found: int | None = None  # copies flagged against their source
    copies: int | None = None
    false: int | None = None  # genuine items flagged against another genuine item
    genuine: int | None = None
    seconds: float | None = None
    recall_target: float | None = None
    note: str = ""
    indent: bool = False

    @property
    def recall(self) -> float | None:
        return self.found / self.copies if self.copies else None

    @property
    def rate(self) -> float | None:
        return self.false / self.genuine if self.genuine else None

    def passed(self) -> bool | None:
        checks = []
        if self.recall_target is not None and self.recall is not None:
            checks.append(self.recall >= self.recall_target)
        if self.rate is not None:
            checks.append(self.rate <= FALSE_RATE)
        return all(checks) if checks else None


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def print(self) -> None:
        head = f"{'kind':<34} {'items':>6} {'recall':>15} {'false flags':>15} {'time':>7}  target"
        print(head)
        print("-" * len(head))
        for row in self.rows:
            name = ("  " if row.indent else "") + row.kind
            recall = f"{row.recall:.4f} {row.found}/{row.copies}" if row.recall is not None else ""
            false = f"{row.false} ({row.rate:.2%})" if row.rate is not None else ""
            seconds = f"{row.seconds:.0f}s" if row.seconds is not None else ""
            verdict = {True: "pass", False: "FAIL", None: ""}[row.passed()]
            columns = f"{name:<34} {row.items:>6} {recall:>15} {false:>15} {seconds:>7}"
            print(f"{columns}  {verdict} {row.note}")
        for note in self.notes:
            print(note)


def _best_distance(copy: Sequence[PrintTuple], stored: Sequence[PrintTuple]) -> int:
    """The smallest role-compatible distance between a copy's prints and a source's stored
    prints, computed directly (a miss has no hit within the radius to tell it)."""
    from anxuan.integrity.fingerprints import COMPARABLE, STORED_ROLES, distance

    best = 64
    for role, value, _ in copy:
        for other_role, other, _ in stored:
            if other_role in STORED_ROLES and other_role in COMPARABLE[role]:  # type: ignore[index]
                best = min(best, distance(value, other))
    return best


def _flagged_against(
    met: dict[int, tuple[int, int]], own: int | None, query_video: bool, video_frames: int
) -> dict[int, int]:
    """check_media's rule over the attachments one item met: {other id: nearest bits}."""
    out = {}
    for aid, (bits, frames, _, _) in met.items():
        if aid == own:
            continue
        if query_video and aid >= VIDEO_BASE and frames < video_frames:
            continue
        out[aid] = bits
    return out


def _stats(values: Sequence[int | float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values):g}, max {max(values):g}"


def store(items: dict[int, list[PrintTuple]]) -> int:
    from django.db import connection

    from anxuan.integrity import index
    from anxuan.integrity.fingerprints import STORED_ROLES, Print

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")  # attachment ids without attachments
    rows = [
        index.row(Print(role, value, at), attachment_id=aid)  # type: ignore[arg-type]
        for aid, prints in items.items()
        for role, value, at in prints
        if role in STORED_ROLES
    ]
    index.store(rows)
    return len(rows)


def lookups(pool: Any, radius: int, queries: list[tuple[Any, list[PrintTuple]]]) -> dict:
    chunk = 40
    jobs = [(radius, queries[i : i + chunk]) for i in range(0, len(queries), chunk)]
    found: dict[Any, dict] = {}
    for answers in pool.imap_unordered(lookup_task, jobs):
        found.update(answers)
    return found


def run_media(args: argparse.Namespace, pool: Any, report: Report) -> None:
    from django.db import connections

    from anxuan.integrity.models import Rules

    video_frames = Rules._meta.get_field("video_frames").default
    quick = args.quick
    n_photos = 1000 if quick else 10_000
    n_copies = 100 if quick else 1000
    n_videos = 20 if quick else 200
    r = random.Random(args.seed)
    copy_of = set(r.sample(range(n_photos), n_copies))

    started = time.monotonic()
    jobs = [
        (i, args.seed * 1_000_003 + i, args.seed * 7_000_001 + i if i in copy_of else None)
        for i in range(n_photos)
    ]
    photos, failures = {}, []
    paths: dict[int, str] = {}  # every stored photo's and video's file
    query_paths: dict[Any, Picture] = {}
    copies: list[tuple[int, list[str], list[PrintTuple]]] = []
    for done in pool.imap_unordered(photo_task, jobs, chunksize=8):
        aid = done["index"] + 1
        if isinstance(done["prints"], str):
            failures.append(f"photo {aid}: {done['prints']}")
            continue
        photos[aid] = done["prints"]
        paths[aid] = done["path"]
        query_paths[("photo", aid)] = (done["path"], None)
        if "copy" in done:
            query_paths[("photo copy", len(copies))] = (done["copy"]["path"], None)
            if isinstance(done["copy"]["prints"], str):
                failures.append(
                    f"copy of photo {aid} {done['copy']['edits']}: {done['copy']['prints']}"
                )
                copies.append((aid, done["copy"]["edits"], []))
            else:
                copies.append((aid, done["copy"]["edits"], done["copy"]["prints"]))
    roots = (ROOT / ".venv", Path("/usr/share"))
    samples = planted.sample_photos(roots)
    sample_jobs = [(n_photos + 1 + k, str(p)) for k, p in enumerate(samples)]
    for done in pool.imap_unordered(sample_task, sample_jobs):
        if isinstance(done["prints"], str):
            failures.append(f"sample {done['path']}: {done['prints']}")
        else:
            photos[done["index"]] = done["prints"]
            paths[done["index"]] = done["path"]
            query_paths[("photo", done["index"])] = (done["path"], None)
    photo_build = time.monotonic() - started

    started = time.monotonic()
    videos: dict[int, list[PrintTuple]] = {}
    video_info: dict[int, dict] = {}
    video_copies: list[tuple[int, dict]] = []
    vjobs = [(i, args.seed * 3_000_017 + i) for i in range(n_videos)]
    for done in pool.imap_unordered(video_task, vjobs):
        aid = VIDEO_BASE + done["index"]
        if isinstance(done["prints"], str):
            failures.append(f"video {aid}: {done['prints']}")
            continue
        videos[aid] = done["prints"]
        video_info[aid] = done
        paths[aid] = done["path"]
        for copy in done["copies"]:
            if isinstance(copy["prints"], str):
                failures.append(f"{copy['kind']} of video {aid}: {copy['prints']}")
                copy["prints"] = []
            video_copies.append((aid, copy))
    video_build = time.monotonic() - started

    started = time.monotonic()
    stored = store({**photos, **videos})
    connections.close_all()  # the workers open their own connections to the file
    store_time = time.monotonic() - started

    started = time.monotonic()
    queries: list[tuple[Any, list[PrintTuple]]] = [(("photo", aid), p) for aid, p in photos.items()]
    queries += [(("photo copy", k), prints) for k, (_, _, prints) in enumerate(copies)]
    photo_found = lookups(pool, args.radius, queries)
    photo_lookup = time.monotonic() - started
    started = time.monotonic()
    looked, dropped = second_look(pool, photo_found, query_paths, paths)
    look_time = time.monotonic() - started
    report.notes.append(
        f"photos: second look (compare.same_picture) at {looked} pairs, {dropped} dropped "
        f"as not one picture, {look_time:.0f}s"
    )
    started = time.monotonic()
    queries = [(("video", aid), p) for aid, p in videos.items()]
    queries += [(("video copy", k), c["prints"]) for k, (_, c) in enumerate(video_copies)]
    video_found = lookups(pool, args.radius, queries)
    video_queries: dict[Any, Picture] = {("video", aid): (paths[aid], 0.0) for aid in videos}
    video_queries.update(
        (("video copy", k), (c["path"], None if c["kind"] == "still (photo)" else 0.0))
        for k, (_, c) in enumerate(video_copies)
    )
    second_look(pool, video_found, video_queries, paths)
    video_lookup = time.monotonic() - started

    # Photos.
    genuine_flags = {
        aid: _flagged_against(photo_found[("photo", aid)], aid, False, video_frames)
        for aid in photos
    }
    false_photos = [aid for aid, flagged in genuine_flags.items() if flagged]
    hits, by_edit, wrong = 0, defaultdict(lambda: [0, 0]), 0
    alone: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    best_of: list[int] = []
    missed_bits: dict[str, list[int]] = defaultdict(list)
    all_bits: dict[str, list[int]] = defaultdict(list)
    for k, (source, edits, prints) in enumerate(copies):
        flagged = _flagged_against(photo_found[("photo copy", k)], None, False, video_frames)
        ok = source in flagged
        hits += ok
        wrong += bool(flagged) and not ok
        best = _best_distance(prints, photos[source]) if prints else 64
        best_of.append(best)
        if len(edits) == 1:
            alone[edits[0]][0] += ok
            alone[edits[0]][1] += 1
        for edit in edits:
            by_edit[edit][0] += ok
            by_edit[edit][1] += 1
            all_bits[edit].append(best)
            if not ok:
                missed_bits[edit].append(best)
    photo_time = (
        photo_build
        + photo_lookup
        + look_time
        + store_time * len(photos) / max(1, len(photos) + len(videos))
    )
    report.rows.append(
        Row(
            "photos (all copies)",
            len(photos) + len(copies),
            hits,
            len(copies),
            len(false_photos),
            len(photos),
            photo_time,
            PHOTO_RECALL,
            f"{len(photos)} genuine ({len(samples)} real samples), {len(copies)} copies",
        )
    )
    for edit in planted.PHOTO_EDITS:
        ok, total = by_edit[edit]
        report.rows.append(
            Row(
                edit,
                total,
                ok,
                total,
                recall_target=PHOTO_RECALL,
                note=f"alone {alone[edit][0]}/{alone[edit][1]}; "
                f"best bits to source: {_stats(all_bits[edit])}; "
                f"misses: {_stats(missed_bits[edit])}",
                indent=True,
            )
        )
    nearest_genuine = [min(f.values()) for f in genuine_flags.values() if f]
    report.notes.append(
        "photos at a smaller radius (from the same lookups): "
        + "; ".join(
            f"{bits}: recall {sum(b <= bits for b in best_of) / max(1, len(best_of)):.3f}, "
            f"false {sum(b <= bits for b in nearest_genuine) / max(1, len(photos)):.2%}"
            for bits in range(max(0, args.radius - 4), args.radius + 1)
        )
    )
    pairs = Counter(tuple(sorted(edits)) for _, edits, _ in copies)
    miss_pairs = Counter(
        tuple(sorted(edits))
        for k, (source, edits, _) in enumerate(copies)
        if source not in _flagged_against(photo_found[("photo copy", k)], None, False, video_frames)
    )
    report.notes.append(
        f"photos: {wrong} copies flagged only against another item; copies missed by edit set: "
        + (
            ", ".join(f"{'+'.join(e)} {n}/{pairs[e]}" for e, n in miss_pairs.most_common())
            or "none"
        )
    )
    if false_photos:
        nearest = [min(genuine_flags[aid].values()) for aid in false_photos]
        report.notes.append(
            f"photos: genuine false flags at bits {_stats(nearest)}; e.g. ids "
            + ", ".join(
                f"{aid}→{sorted(genuine_flags[aid].items())[:3]}" for aid in false_photos[:5]
            )
        )

    # Videos.
    false_videos = [
        aid
        for aid in videos
        if _flagged_against(video_found[("video", aid)], aid, True, video_frames)
    ]
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    miss_notes: dict[str, list[str]] = defaultdict(list)
    for k, (source, copy) in enumerate(video_copies):
        is_video = copy["kind"] != "still (photo)"
        met = video_found[("video copy", k)]
        flagged = _flagged_against(met, None, is_video, video_frames)
        ok = source in flagged
        per_kind[copy["kind"]][0] += ok
        per_kind[copy["kind"]][1] += 1
        if not ok:
            frames = met.get(source, (None, 0))[1]
            best = _best_distance(copy["prints"], videos[source]) if copy["prints"] else 64
            kept = (
                f", kept {copy['kept']:.1f}s of {video_info[source]['seconds']}s"
                if "kept" in copy
                else ""
            )
            if "at" in copy:  # how far the still is from the nearest stored frame
                gap = min(abs(at - copy["at"]) for role, _, at in videos[source] if role == "frame")
                kept = f", {gap:.1f}s from a stored frame"
            miss_notes[copy["kind"]].append(
                f"{copy['how']} frames met {frames}, best {best} bits{kept}"
            )
    found_all = sum(v[0] for v in per_kind.values())
    total_all = sum(v[1] for v in per_kind.values())
    video_time = (
        video_build + video_lookup + store_time * len(videos) / max(1, len(photos) + len(videos))
    )
    report.rows.append(
        Row(
            "videos (all copies)",
            len(videos) + total_all,
            found_all,
            total_all,
            len(false_videos),
            len(videos),
            video_time,
            VIDEO_RECALL,
            f"{len(videos)} genuine, {total_all} copies",
        )
    )
    for kind, (ok, total) in per_kind.items():
        report.rows.append(Row(kind, total, ok, total, recall_target=VIDEO_RECALL, indent=True))
    for kind, notes in miss_notes.items():
        report.notes.append(
            f"videos: missed {kind}: " + "; ".join(notes[:8]) + (" …" if len(notes) > 8 else "")
        )
    if false_videos:
        report.notes.append(
            "videos: genuine false flags "
            + ", ".join(
                f"{aid}→{_flagged_against(video_found[('video', aid)], aid, True, video_frames)}"
                for aid in false_videos[:5]
            )
        )
    report.notes += [f"unreadable: {f}" for f in failures[:10]]
    report.notes.append(
        f"media: {stored} fingerprints stored; photo build {photo_build:.0f}s, video build "
        f"{video_build:.0f}s, store {store_time:.0f}s, photo lookups {photo_lookup:.0f}s, "
        f"video lookups {video_lookup:.0f}s"
    )


def run_texts(args: argparse.Namespace, pool: Any, report: Report) -> None:
    from anxuan.integrity import fingerprints
    from anxuan.integrity.checks import ESTIMATE_MARGIN
    from anxuan.integrity.models import Rules

    threshold = float(Rules._meta.get_field("text_similarity").default)
    n_texts = 1000 if args.quick else 10_000
    n_copies = 100 if args.quick else 1000
    started = time.monotonic()
    reports = [planted.genuine_report(args.seed * 5_000_011 + i) for i in range(n_texts)]
    genuine = [rep.text for rep in reports]
    r = random.Random(args.seed)
    sources = r.sample(range(n_texts), n_copies)
    edited = [
        planted.report_copy(reports[s], args.seed * 9_000_001 + k) for k, s in enumerate(sources)
    ]
    copies = [text for text, _, _ in edited]
    lengths = [len(t) for t in genuine]
    shares = [share for _, share, _ in edited]
    build = time.monotonic() - started
    report.notes.append(
        f"texts: genuine {_stats(lengths)} characters; "
        f"copies edited {_stats([round(s, 3) for s in shares])} of their characters"
    )
    shared_sets = {
        "theme kept": frozenset(),
        "theme removed": fingerprints.shared_shingles(planted.SHARED_PASSAGES),
    }
    for label, shared in shared_sets.items():
        started = time.monotonic()
        run = TextRun(pool, genuine + copies, n_texts, shared, threshold, ESTIMATE_MARGIN)
        false_exact = false_estimate = 0
        for i in range(n_texts):
            exact, estimated = run.judge(i)
            false_exact += bool(exact)
            false_estimate += bool(estimated)
        target = [0, 0, 0]  # found by the rule, found by the estimate, copies at ≥ threshold
        overall = [0, 0]
        below = [0, 0]
        missed: list[float] = []
        jaccards = []
        for k, source in enumerate(sources):
            i = n_texts + k
            jac = fingerprints.jaccard(run.own(i), run.own(source))
            jaccards.append(round(jac, 3))
            exact, estimated = run.judge(i)
            overall[0] += source in exact
            overall[1] += source in estimated
            if jac >= threshold:
                target[0] += source in exact
                target[1] += source in estimated
                target[2] += 1
                if source not in exact:
                    missed.append(round(jac, 3))
            else:
                below[0] += 1
                below[1] += source in exact
        seconds = time.monotonic() - started + build / len(shared_sets)
        report.rows += [
            Row(
                f"texts, {label} (Jaccard ≥ {threshold:g})",
                n_texts + n_copies,
                target[0],
                target[2],
                false_exact,
                n_texts,
                seconds,
                TEXT_RECALL,
                f"exact rule on LSH candidates; missed copies' Jaccard: {missed[:10] or '-'}",
            ),
            Row(
                "all copies",
                n_copies,
                overall[0],
                n_copies,
                note=f"copies' Jaccard to source: {_stats(jaccards)}; "
                f"{below[0]} below {threshold:g} (of which {below[1]} flagged)",
                indent=True,
            ),
            Row(
                f"MinHash estimate alone (J ≥ {threshold:g})",
                n_copies,
                target[1],
                target[2],
                false_estimate,
                n_texts,
                recall_target=TEXT_RECALL,
                note=f"all copies: {overall[1]}/{n_copies}",
                indent=True,
            ),
        ]
        top = run.top_genuine()
        report.notes.append(
            f"texts, {label}: nearest genuine pairs among candidates: estimate {top[0]:.3f}, "
            f"exact Jaccard {top[1]:.3f}; {run.unsigned} texts too short to sign"
        )


class TextRun:
    """Signatures of `texts` (the first `n_genuine` indexed, as TextBand rows would be) and
    checks.similar_texts's rule over them."""

    def __init__(
        self,
        pool: Any,
        texts: list[str],
        n_genuine: int,
        shared: frozenset[str],
        threshold: float,
        margin: float,
    ) -> None:
        from anxuan.integrity import fingerprints

        self.texts, self.n_genuine, self.shared = texts, n_genuine, shared
        self.threshold, self.margin = threshold, margin
        chunk = 250
        jobs = [(texts[i : i + chunk], shared) for i in range(0, len(texts), chunk)]
        self.signatures: list[Any] = []
        for part in pool.imap(signature_task, jobs):
            self.signatures += part
        self.unsigned = sum(s is None for s in self.signatures)
        self.values = [
            None if s is None else fingerprints.Signature.values_of(s[0]) for s in self.signatures
        ]
        self.bands: dict[int, list[int]] = defaultdict(list)
        for i in range(n_genuine):
            if self.signatures[i] is not None:
                for key in self.signatures[i][1]:
                    self.bands[key].append(i)
        self._own: dict[int, frozenset[str]] = {}
        self._top = [0.0, 0.0]

    def own(self, i: int) -> frozenset[str]:
        from anxuan.integrity import fingerprints

        if i not in self._own:
            self._own[i] = frozenset(fingerprints.shingles(self.texts[i]) - self.shared)
        return self._own[i]

    def judge(self, i: int) -> tuple[set[int], set[int]]:
        """(flagged by the app's rule, flagged by the estimate alone): the genuine texts
        other than i that text i is flagged against."""
        from anxuan.integrity import fingerprints

        if self.signatures[i] is None:
            return set(), set()
        keys = self.signatures[i][1]
        candidates = {j for key in keys for j in self.bands.get(key, ()) if j != i}
        exact, estimated = set(), set()
        for j in candidates:
            estimate = fingerprints.similarity(self.values[i], self.values[j])
            if estimate >= self.threshold:
                estimated.add(j)
            if i < self.n_genuine:
                self._top[0] = max(self._top[0], estimate)
            if estimate < self.threshold - self.margin:
                continue
            jac = fingerprints.jaccard(self.own(i), self.own(j))
            if i < self.n_genuine:
                self._top[1] = max(self._top[1], jac)
            if jac >= self.threshold:
                exact.add(j)
        return exact, estimated

    def top_genuine(self) -> list[float]:
        """The highest estimate between two genuine texts sharing a band key, and the highest
        exact Jaccard among those compared exactly."""
        return self._top


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--radius", type=int, default=10, help="Rules.photo_radius (bits)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--only", choices=("media", "texts"), help="run one part only")
    args = parser.parse_args()

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="anxuan-integrity-eval-"))
    (tmp / "photos").mkdir()
    (tmp / "videos").mkdir()
    setup_django(tmp / "var")
    from django.db import connections

    connections.close_all()  # the pool forks now: no connection may be shared
    report = Report()
    try:
        with get_context("fork").Pool(args.processes, _init, (str(tmp),)) as pool:
            if args.only in (None, "media"):
                run_media(args, pool, report)
            if args.only in (None, "texts"):
                run_texts(args, pool, report)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    total = time.monotonic() - started
    print(
        f"integrity_eval seed {args.seed}, radius {args.radius}, {args.processes} processes"
        f"{' (quick)' if args.quick else ''}; set in {tmp}{' (kept)' if args.keep else ''}"
    )
    report.print()
    verdicts = [row.passed() for row in report.rows if not row.indent]
    failed = [row.kind for row in report.rows if not row.indent and row.passed() is False]
    print(
        f"SUMMARY: {'PASS' if all(v is not False for v in verdicts) else 'FAIL'} in {total:.0f}s"
        + (f"; failing: {', '.join(failed)}" if failed else "")
    )


if __name__ == "__main__":
    main()
