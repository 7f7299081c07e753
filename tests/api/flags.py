"""Flags for the API's tests, made directly: the API's rules do not depend on how a check
found them (tests/integrity runs the checks themselves through the worker)."""

import itertools

from anxuan.campaigns import services as campaign_services
from anxuan.core.files import inspect_upload
from anxuan.integrity.enums import FlagKind, Severity
from anxuan.integrity.models import Flag
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports import services as report_services
from anxuan.reports.models import Attachment, Submission
from anxuan.reports.tasks import process_attachment
from tests import factories
from tests.reports import evidence

_pairs = itertools.count(1)


def photo_report(liaison, participant, period, text: str) -> tuple[Submission, Attachment]:
    """A submitted report with one photo whose thumbnail is made."""
    draft = factories.report(liaison, participant, period, text)
    photo = evidence.jpeg(f"{text}.jpg")
    (attachment,) = report_services.attach_files(
        actor=liaison,
        submission=draft,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )
    process_attachment.call_local(attachment.pk)
    report_services.submit_report(actor=liaison, submission=draft)
    attachment.refresh_from_db()
    return draft, attachment


def reused_photo(submission: Submission, attachment: Attachment, other=None, **fields) -> Flag:
    """A reused-photo flag on `submission`'s photo, matching `other` (a (submission,
    attachment) pair) when given."""
    other_submission, other_attachment = other or (None, None)
    return Flag.objects.create(
        kind=fields.pop("kind", FlagKind.REUSED_PHOTO),
        severity=fields.pop("severity", Severity.HIGH),
        pair=f"api-test-{next(_pairs)}",
        campaign=submission.participant.campaign,
        participant=submission.participant,
        submission=submission,
        version=submission.versions.latest("number"),
        attachment=attachment,
        other_attachment=other_attachment,
        other_version=other_submission.versions.latest("number") if other_submission else None,
        score=3,
        details={"bits": 3, "same_unit": False},
        **fields,
    )


def town_flag(c, other=None, **fields) -> Flag:
    """A flag on the town's week-1 report (made once), matching `other` if given."""
    week = factories.weekly_period(c.campaign, 1)
    submission = Submission.objects.filter(participant=c.participant, period=week).first()
    if submission is None or not submission.attachments.exists():
        submission, attachment = photo_report(c.town_liaison, c.participant, week, "城关镇周报")
    else:
        attachment = submission.attachments.get()
    return reused_photo(submission, attachment, other, **fields)


def other_town_report(c) -> tuple[Submission, Attachment]:
    week = factories.weekly_period(c.campaign, 1)
    return photo_report(c.other_liaison, c.other_participant, week, "宣化镇周报")


def another_countys_report(c, town_name: str = "临泽县鸭暖镇") -> tuple[Submission, Attachment]:
    """A report of a town in the neighbouring county (the outsider's), in its own campaign."""
    elsewhere = c.outsider.memberships.get().organization
    far_town = factories.org(town_name, OrgKind.TOWN, elsewhere)
    campaign = factories.safety_month(c.outsider, elsewhere)
    campaign_services.add_participants(
        actor=c.outsider,
        campaign=campaign,
        organizations=[far_town],
        joined_on=campaign_services.work_starts_on(campaign),
    )
    liaison = factories.person(far_town, Role.LIAISON, f"far{far_town.pk}")
    participant = campaign.participants.get(organization=far_town)
    return photo_report(liaison, participant, factories.weekly_period(campaign, 1), "鸭暖镇周报")
