"""Stored-file processing: the thumbnail over any StoredFile subclass, then registered
processors, through core's task; safe to run twice."""

import pytest

from anxuan.core import processing
from anxuan.core.files import inspect_upload
from anxuan.core.tasks import process_stored_file
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
