"""What crashes leave behind: files in storage that no row refers to (a worker killed after
storing a file but before its row was committed) and temporary upload files of requests
killed while reading. Run by the worker through core.tasks.sweep_orphans.

Only files older than ORPHAN_MIN_AGE_HOURS go, so a file whose row is still being written
is never touched, and only under the storage areas an app registered along with the
question "which of these names does a row still refer to?". Core registers the evidence
files and thumbnails of every StoredFile subclass; other apps register their own (exports
its export files)."""

import itertools
import logging
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from anxuan.core.processing import stored_file_models

log = logging.getLogger(__name__)
BATCH = 500  # names asked about in one query

Referenced = Callable[[list[str]], set[str]]
_areas: dict[str, Referenced] = {}


def register(prefix: str, referenced: Referenced) -> None:
    """Have the sweep look at the storage files under `prefix` ("exports/"). `referenced`
    gets a batch of their names and returns those a row refers to: these stay. Call it from
    an AppConfig.ready(); a prefix registers once."""
    _areas.setdefault(prefix, referenced)


def referenced_by_stored_files(names: list[str]) -> set[str]:
    """Those of `names` that a row of any StoredFile subclass has as its file or its
    thumbnail. Both are named by the file's SHA-256, so the rows are found by its index; a
    name that does not carry a SHA-256 is not ours to judge and counts as referenced."""
    shas = {name: Path(name).name.split(".", 1)[0] for name in names}
    unknown = {name for name, sha in shas.items() if len(sha) != 64}
    kept: set[str] = set()
    for model in stored_file_models():
        rows = model._default_manager.filter(sha256__in=set(shas.values())).values_list(
            "storage_name", "thumbnail"
        )
        for storage_name, thumbnail in rows:
            kept.update((storage_name, thumbnail))
    return (kept & set(names)) | unknown


def _walk(directory: str) -> Iterator[str]:
    """The names of every file in storage under `directory`, depth first."""
    try:
        dirs, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}{name}"
    for sub in sorted(dirs):
        yield from _walk(f"{directory}{sub}/")


def _older_than(name: str, cutoff: datetime) -> bool:
    try:
        return default_storage.get_modified_time(name) < cutoff
    except FileNotFoundError:
        return False


def _cutoff(now: datetime | None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.ORPHAN_MIN_AGE_HOURS)


def sweep_storage(*, now: datetime | None = None) -> list[str]:
    """Delete the files under the registered areas that no row refers to and that were
    last written before ORPHAN_MIN_AGE_HOURS ago. Returns their names. The age is read
    again just before a file goes: core.files.store refreshes it when a new upload reuses
    a file, so bytes that a row is about to refer to again stay."""
    cutoff = _cutoff(now)
    removed: list[str] = []
    for prefix, referenced in _areas.items():
        old = (name for name in _walk(prefix) if _older_than(name, cutoff))
        while batch := list(itertools.islice(old, BATCH)):
            kept = referenced(batch)
            for name in batch:
                if name not in kept and _older_than(name, cutoff):
                    default_storage.delete(name)
                    removed.append(name)
    if removed:
        log.warning("removed %d files no row refers to: %s", len(removed), ", ".join(removed))
    return removed


def upload_temp_dir() -> Path:
    """Where Django streams large uploads while a request reads them."""
    return Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())


def sweep_temporary_uploads(*, now: datetime | None = None) -> list[Path]:
    """Delete Django's temporary upload files (tmp….upload…, removed by the request that
    made them unless it was killed) last written before ORPHAN_MIN_AGE_HOURS ago."""
    cutoff = _cutoff(now).timestamp()
    removed = []
    for path in upload_temp_dir().glob("tmp*.upload*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue  # its request finished meanwhile
    if removed:
        log.warning("removed %d temporary upload files of killed requests", len(removed))
    return removed
