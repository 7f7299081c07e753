"""The integrity worker's tasks; each takes ids and is safe to run twice."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from anxuan.integrity import backfill, checks, index


@db_task(retries=2, retry_delay=60)  # type: ignore[untyped-decorator]  # huey has no type hints
def check_version(version_id: int) -> None:
    """Fingerprint a submitted version's evidence and texts, then look for copies, dates
    and places out of bounds and figures that do not add up (integrity.checks)."""
    checks.check_version(version_id)


@db_task(retries=2, retry_delay=60)  # type: ignore[untyped-decorator]
def fingerprint_material(material_id: int) -> None:
    """Fingerprint a shared poster or photo so that matches against it are not flags."""
    from anxuan.integrity.models import SharedMaterial

    material = SharedMaterial.objects.filter(pk=material_id).first()
    if material is not None:
        checks.fingerprint(material)


@db_task()  # type: ignore[untyped-decorator]
def rebuild_step(rebuild_id: int) -> None:
    """One batch of `anxuan integrity --rebuild`, then the next one queued."""
    if backfill.step(rebuild_id):
        rebuild_step(rebuild_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def resume_rebuild() -> None:
    """A rebuild whose worker died goes on from its cursor."""
    for pk in backfill.stale(timezone.now()):
        rebuild_step(pk)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def compact_index() -> None:
    """Merge the fingerprint buckets filed since the last minute (index.compact), at most
    100 000 keys a minute: under a stream of new fingerprints it still ends."""
    for _ in range(50):
        if not index.compact():
            break
