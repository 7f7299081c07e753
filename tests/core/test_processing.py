"""Stored-file processing: the thumbnail over any StoredFile subclass, then registered
processors, through core's task; safe to run twice."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anxuan.core import processing
from anxuan.core.files import inspect_upload
from anxuan.core.tasks import process_stored_file, requeue_unprocessed_files
from anxuan.reports import services
from anxuan.reports.models import Attachment
from tests import factories
from tests.reports import evidence


@pytest.fixture
def seen():
    calls: list[tuple[str, int, str]] = []

    def fingerprint(stored):
        calls.append((stored._meta.label, stored.pk, stored.thumbnail))

    processing.register("test.fingerprint", fingerprint)
    yield calls
    processing.unregister("test.fingerprint")


@pytest.mark.django_db
def test_the_task_makes_the_thumbnail_then_runs_registered_processors_twice_safely(county, seen):
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    photo = evidence.jpeg()
    (attachment,) = services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )

    process_stored_file.call_local("reports.Attachment", attachment.pk)
    first = Attachment.objects.get(pk=attachment.pk)
    process_stored_file.call_local("reports.Attachment", attachment.pk)

    assert first.thumbnail == processing.thumbnail_name(first.sha256)
    assert first.taken_at is not None
    assert Attachment.objects.get(pk=attachment.pk).thumbnail == first.thumbnail
    assert seen == [("reports.Attachment", attachment.pk, first.thumbnail)] * 2


@pytest.mark.django_db
def test_a_missing_row_or_a_model_that_is_not_a_stored_file_is_refused():
    assert processing.process_by_label("reports.Attachment", 10**9) is False
    with pytest.raises(LookupError):
        processing.stored_file_model("core.AuditEntry")


def attached_photo(county) -> Attachment:
    """A photo whose processing was queued but never done: the worker died, or the task
    was lost with the queue (its on-commit enqueue is not run here)."""
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    photo = evidence.jpeg()
    (attachment,) = services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )
    return attachment


@pytest.mark.django_db
def test_a_photo_left_without_its_thumbnail_is_queued_again_by_the_sweeper(county, settings):
    attachment = attached_photo(county)
    later = timezone.now() + timedelta(minutes=settings.STORED_FILE_RETRY_MINUTES + 1)

    requeue_unprocessed_files.call_local()  # too soon: its task may still be waiting
    soon = Attachment.objects.get(pk=attachment.pk)
    with time_machine.travel(later, tick=False):
        requeue_unprocessed_files.call_local()  # the task runs at once in tests
        requeue_unprocessed_files.call_local()  # nothing left to do

    done = Attachment.objects.get(pk=attachment.pk)
    assert (soon.thumbnail, soon.processed_at) == ("", None)
    assert done.thumbnail == processing.thumbnail_name(done.sha256)
    assert done.taken_at is not None
    assert (done.process_attempts, done.processed_at) == (1, later)


@pytest.mark.django_db
def test_a_file_whose_processing_keeps_dying_is_given_up_after_the_attempts(county, settings):
    attachment = attached_photo(county)
    Attachment.objects.filter(pk=attachment.pk).update(process_attempts=settings.JOB_MAX_ATTEMPTS)

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        requeue_unprocessed_files.call_local()

    assert Attachment.objects.get(pk=attachment.pk).thumbnail == ""
