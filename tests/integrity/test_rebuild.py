"""`anxuan integrity --rebuild` checks what was reported before the checks existed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from anxuan.integrity import tasks
from anxuan.integrity.enums import FlagKind
from anxuan.integrity.models import EvidenceCheck, Flag, Rebuild
from anxuan.reports import followups
from tests import factories
from tests.integrity.conftest import photo_file, scene, submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def older_reports(county, worker):
    """Three reports submitted while no follow-up was registered (before the app)."""
    saved = dict(followups._followups)
    followups._followups.clear()
    try:
        week1 = factories.weekly_period(county.campaign, 1)
        image = scene(21)
        submit(county.town_liaison, county.participant, week1, files=[photo_file(image)])
        copy = submit(
            county.other_liaison,
            county.other_participant,
            week1,
            files=[photo_file(image, quality=50)],
        )
        submit(
            county.town_liaison,
            county.participant,
            factories.weekly_period(county.campaign, 2),
            day=10,
        )
    finally:
        followups._followups.update(saved)
    worker()  # the thumbnails only
    assert not EvidenceCheck.objects.exists()
    return copy


def test_rebuild_checks_everything_in_the_background_with_progress(older_reports, worker, capsys):
    call_command("integrity", "--rebuild")
    assert "3 report versions" in capsys.readouterr().out
    assert not Flag.objects.exists()  # queued, not done in the command

    worker()

    flag = Flag.objects.get()
    assert (flag.kind, flag.version) == (FlagKind.REUSED_PHOTO, older_reports)
    call_command("integrity", "--status")
    assert "3/3 checked" in capsys.readouterr().out
    call_command("integrity", "--rebuild")  # a second run finds nothing new
    worker()
    assert Flag.objects.count() == 1


def test_a_rebuild_whose_worker_died_goes_on_from_its_cursor(
    older_reports, worker, capsys, monkeypatch
):
    monkeypatch.setattr("anxuan.integrity.backfill.BATCH", 1)
    call_command("integrity", "--rebuild")
    from huey.contrib.djhuey import HUEY

    HUEY.execute(HUEY.dequeue())  # one batch, then the worker is killed: its next task lost
    HUEY.flush()
    run = Rebuild.objects.get()
    assert (run.done, run.finished_at) == (1, None)
    call_command("integrity", "--rebuild")
    assert "Already running: 1/3" in capsys.readouterr().out

    Rebuild.objects.update(updated_at=timezone.now() - timedelta(minutes=6))
    tasks.resume_rebuild.call_local()
    worker()

    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.done == 3
    assert Flag.objects.filter(version=older_reports).exists()
