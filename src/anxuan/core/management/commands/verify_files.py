"""anxuan verify_files: re-read every stored file and check it against its SHA-256.

After a restore (docs/deployment.md) or a storage incident: every row of every app's file
model (core.models.StoredFile: report attachments, tip photos …) has its bytes read back
whole from the storage (the object store in a cluster) and hashed. Fails, naming each, if a
file is missing or its bytes differ."""

import hashlib
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from anxuan.core.models import StoredFile

CHUNK = 1024 * 1024
SHOWN = 20  # problems named one by one; the rest are counted


def _digest(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when there is no such file."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Re-read every stored file and check its SHA-256 against the database."

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        checked = 0
        for model in apps.get_models():
            if not issubclass(model, StoredFile):
                continue
            rows = model._default_manager.order_by("pk").values_list("pk", "storage_name", "sha256")
            for pk, name, sha256 in rows.iterator(chunk_size=2000):
                checked += 1
                found = _digest(name)
                if found != sha256:
                    state = "missing" if found is None else "differs"
                    problems.append(f"{model._meta.label} {pk} {name}: {state}")
        self.stdout.write(f"{checked} files re-read, {len(problems)} missing or different")
        for line in problems[:SHOWN]:
            self.stdout.write(f"  {line}")
        if problems:
            raise CommandError(f"{len(problems)} files are missing or differ from their SHA-256")
