"""Thumbnails and EXIF are made by the worker, through the real queue storage."""

import pytest
from huey.contrib.djhuey import HUEY

from anxuan.core.files import inspect_upload
from anxuan.reports import services
from anxuan.reports.models import Attachment
from anxuan.reports.tasks import process_attachment
from tests import factories
from tests.reports import evidence


@pytest.mark.django_db(transaction=True)  # the worker opens and closes its own connections
def test_attaching_queues_the_photo_job_and_the_worker_runs_it_once(
    county, django_capture_on_commit_callbacks
):
    HUEY.immediate = False
    HUEY.flush()
    period = factories.weekly_period(county.campaign)
    draft = factories.report(county.town_liaison, county.participant, period)
    photo = evidence.jpeg()

    with django_capture_on_commit_callbacks(execute=True):
        services.attach_files(
            actor=county.town_liaison,
            submission=draft,
            uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
        )

    attachment = Attachment.objects.get()
    assert HUEY.pending_count() == 1
    assert attachment.thumbnail == ""
    HUEY.execute(HUEY.dequeue())
    attachment.refresh_from_db()
    assert attachment.thumbnail.startswith("thumbs/")
    assert attachment.taken_at is not None
    thumbnail = attachment.thumbnail
    process_attachment.call_local(attachment.pk)  # a second run changes nothing
    attachment.refresh_from_db()
    assert attachment.thumbnail == thumbnail
    assert HUEY.pending_count() == 0
