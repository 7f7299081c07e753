"""Fetch and authorise in one step: a missing object and one the person cannot see are the
same 404; one they see but may not act on is a 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from anxuan.reports import selectors, services
from anxuan.reports.models import Attachment, Submission
from tests import factories
from tests.reports import evidence


@pytest.fixture
def report(county) -> Submission:
    return factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign, 1)
    )


@pytest.fixture
def attachment(county, report) -> Attachment:
    from anxuan.core.files import inspect_upload

    pdf = evidence.pdf()
    (created,) = services.attach_files(
        actor=county.town_liaison,
        submission=report,
        uploads=[(pdf, pdf.name, inspect_upload(pdf, pdf.name))],
    )
    return created


def test_a_missing_submission_and_another_units_are_both_404(county, report):
    with pytest.raises(Http404):
        selectors.get_submission_for(county.town_liaison, report.pk + 1000)
    with pytest.raises(Http404):
        selectors.get_submission_for(county.other_liaison, report.pk)
    with pytest.raises(Http404):
        selectors.get_submission_for(county.outsider, report.pk, perm="reports.review")


def test_a_submission_seen_without_the_permission_is_403(county, report):
    assert selectors.get_submission_for(county.reviewer, report.pk) == report
    with pytest.raises(PermissionDenied):
        selectors.get_submission_for(county.reviewer, report.pk, perm="reports.report")
    with pytest.raises(PermissionDenied):
        selectors.get_submission_for(county.town_liaison, report.pk, perm="reports.review")


def test_the_permission_held_gives_the_submission(county, report):
    found = selectors.get_submission_for(county.town_liaison, report.pk, perm="reports.report")

    assert found == report


def test_attachments_answer_as_their_submission(county, attachment):
    with pytest.raises(Http404):
        selectors.get_attachment_for(county.town_liaison, attachment.pk + 1000)
    with pytest.raises(Http404):
        selectors.get_attachment_for(county.other_liaison, attachment.pk)
    with pytest.raises(PermissionDenied):
        selectors.get_attachment_for(county.reviewer, attachment.pk, perm="reports.report")

    found = selectors.get_attachment_for(county.town_liaison, attachment.pk, perm="reports.report")

    assert (found, found.submission.pk) == (attachment, attachment.submission_id)
