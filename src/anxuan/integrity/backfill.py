"""`anxuan integrity --rebuild`: check every submitted version (and fingerprint every shared
material) in the background, in batches, with its cursor and progress in the Rebuild row so
that a killed worker's run goes on where it stopped (the sweeper queues the next batch when
none has shown life for STALE_AFTER)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from anxuan.integrity import checks
from anxuan.integrity.models import EvidenceCheck, Rebuild, SharedMaterial
from anxuan.reports.models import SubmissionVersion

BATCH = 200
STALE_AFTER = timedelta(minutes=5)


def current() -> Rebuild | None:
    return Rebuild.objects.order_by("-pk").first()


def start(*, restart: bool = False) -> tuple[Rebuild, bool]:
    """The running rebuild, or a new one (True) when none runs or `restart` is asked."""
    with transaction.atomic():
        running = Rebuild.objects.select_for_update().filter(finished_at=None).first()
        if running is not None and not restart:
            return running, False
        Rebuild.objects.filter(finished_at=None).update(finished_at=timezone.now())
        rebuild = Rebuild.objects.create(total=SubmissionVersion.objects.count())
    return rebuild, True


def step(rebuild_id: int) -> bool:
    """Check the next batch of versions; True while more remain. Safe to run twice: the
    cursor moves only forward and every check is idempotent."""
    rebuild = Rebuild.objects.filter(pk=rebuild_id, finished_at=None).first()
    if rebuild is None:
        return False
    if rebuild.last_version == 0:
        for material in SharedMaterial.objects.exclude(kind="text"):
            if not EvidenceCheck.objects.filter(material=material).exists():
                checks.fingerprint(material)
    batch = list(
        SubmissionVersion.objects.filter(pk__gt=rebuild.last_version)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for pk in batch:
        checks.check_version(pk)
    now = timezone.now()
    if not batch:
        Rebuild.objects.filter(pk=rebuild_id).update(
            finished_at=now, updated_at=now, done=rebuild.total
        )
        return False
    done = SubmissionVersion.objects.filter(pk__lte=batch[-1]).count()
    Rebuild.objects.filter(pk=rebuild_id, last_version__lt=batch[-1]).update(
        last_version=batch[-1], done=done, updated_at=now
    )
    return True


def stale(now: datetime) -> list[int]:
    """Unfinished rebuilds whose batch no worker has finished for STALE_AFTER: claimed (the
    time moved to `now`) so that of two sweepers one queues the next batch."""
    claimed = []
    for pk in Rebuild.objects.filter(
        finished_at=None, updated_at__lt=now - STALE_AFTER
    ).values_list("pk", flat=True):
        if Rebuild.objects.filter(pk=pk, updated_at__lt=now - STALE_AFTER).update(updated_at=now):
            claimed.append(pk)
    return claimed
