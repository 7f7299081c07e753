"""Writes to submissions: one service per state change, each in one transaction with an
audit row. A submit freezes the draft into a new immutable version; nothing is overwritten.
"""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Participant, Period, Requirement
from anxuan.core import files
from anxuan.core import tasks as core_tasks
from anxuan.core.audit import record
from anxuan.orgs.models import Person
from anxuan.reports import followups, tally, tasks
from anxuan.reports.drafts import (
    ReportDraft,
    check,
    check_evidence,
    check_held,
    evidence_counts,
)
from anxuan.reports.enums import AWAITING_REVIEW, EDITABLE, ReviewKind, State, Timeliness
from anxuan.reports.models import (
    ActivityRecord,
    Attachment,
    IndicatorValue,
    Review,
    Submission,
    SubmissionVersion,
)
from anxuan.reports.rules import can_report_for, can_review


class StateConflict(ValidationError):
    """The submission is not in a state that allows this action (HTTP 409 in the API).
    `submission_id` names the submission it is about, for a page to show it."""

    def __init__(self, message: str, *, submission_id: int | None = None) -> None:
        super().__init__(message)
        self.submission_id = submission_id


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))  # PostgreSQL: not the outer joins
        .select_related("period", "requirement__campaign", "participant__organization")
        .get(pk=submission.pk)
    )


Upload = files.Upload


def _claim(
    actor: Person,
    participant: Participant,
    requirement: Requirement,
    period: Period | None,
    form_token: uuid.UUID | None,
) -> Submission:
    """The submission of this period (or of this ad-hoc form's token), locked; created as
    an empty draft when there is none yet. Two requests racing to create it end with one:
    the loser's insert fails on the unique key once the winner commits, and it takes the
    winner's row instead (then sees, under the lock, what the winner did with it)."""
    mine = Q(participant=participant, period=period) if period else Q(form_token=form_token)
    existing = Submission.objects.filter(mine).first() if period or form_token else None
    if existing is None:
        submission = Submission(
            participant=participant,
            requirement=requirement,
            period=period,
            form_token=form_token if period is None else None,
        )
        if not can_report_for(actor, submission):
            raise PermissionDenied
        try:
            with transaction.atomic():
                submission.save()
            return submission
        except IntegrityError:
            if period is None and form_token is None:
                raise
            existing = Submission.objects.get(mine)
    if (existing.participant_id, existing.requirement_id) != (participant.pk, requirement.pk):
        raise ValidationError(_("This form was already used for another report; reload it."))
    return _locked(existing)


@transaction.atomic
def save_draft(
    *,
    actor: Person,
    participant: Participant,
    requirement: Requirement,
    period: Period | None,
    draft: ReportDraft,
    important: bool | None = None,
    submission: Submission | None = None,
    form_token: uuid.UUID | None = None,
) -> Submission:
    """Create or update the editable draft of a report, first checked against the campaign
    and the requirement (drafts.check); its `important` counts unless `important` is given.
    Without `submission`, the period's submission is taken (or made), and for an ad-hoc item
    the one its form's one-time `form_token` started, so a repeated form makes one report.
    Side effects: audit row."""
    stored = draft.stored()
    flagged = draft.important if important is None else important
    if period is not None and period.requirement_id != requirement.pk:
        raise ValidationError(_("The period does not belong to this requirement."))
    if requirement.campaign_id != participant.campaign_id:
        raise ValidationError(_("This unit does not take part in that campaign."))
    if period is None and requirement.periods.exists():
        raise ValidationError(
            {"period": _("This requirement is reported per period: give the period.")}
        )
    if submission is None:
        submission = _claim(actor, participant, requirement, period, form_token)
    else:
        submission = _locked(submission)
    if not can_report_for(actor, submission):
        raise PermissionDenied
    if submission.state not in EDITABLE:
        raise StateConflict(
            _("This report was submitted and can no longer be edited."),
            submission_id=submission.pk,
        )
    check(draft, requirement=requirement, campaign=participant.campaign)
    submission.draft = stored
    submission.important = flagged and requirement.schedule == Schedule.ANYTIME
    submission.full_clean()
    submission.save()
    record(actor=actor, action="report.save_draft", target=submission, summary=str(submission))
    return submission


def _repeated(submission: Submission, draft: ReportDraft, uploads: list[Upload]) -> bool:
    """Whether this is what the submission's latest version already holds: the same draft
    and no file that version lacks (a double click, a form sent twice)."""
    if submission.state not in AWAITING_REVIEW or not _same_as_last(submission):
        return False
    held = {k: v for k, v in submission.draft.items() if k != "frozen_as"}
    if held != draft.stored():
        return False
    last = submission.versions.order_by("-number").first()
    have = {a.sha256 for a in last.attachments.all()} if last else set()
    return all(inspected.sha256 in have for _file, _name, inspected in uploads)


@transaction.atomic
def save_and_submit(
    *,
    actor: Person,
    participant: Participant,
    requirement: Requirement,
    period: Period | None,
    draft: ReportDraft,
    files: list[Upload] | None = None,
    submission: Submission | None = None,
    form_token: uuid.UUID | None = None,
) -> SubmissionVersion:
    """Save the draft, attach the files and submit, all or nothing: a submit that is
    refused leaves the earlier draft, its files and versions as they were. The same report
    sent again once it is submitted (a double click, two tabs, a retry; for an ad-hoc item,
    the same form token) returns the version it made, not a second one.
    Side effects: those of save_draft, attach_files and submit_report."""
    if submission is None:
        submission = _claim(actor, participant, requirement, period, form_token)
    else:
        submission = _locked(submission)
    if can_report_for(actor, submission) and _repeated(submission, draft, files or []):
        return submission.versions.order_by("-number")[0]
    submission = save_draft(
        actor=actor,
        participant=participant,
        requirement=requirement,
        period=period,
        draft=draft,
        submission=submission,
    )
    if files:
        attach_files(actor=actor, submission=submission, uploads=files)
    return submit_report(actor=actor, submission=submission)


@transaction.atomic
def attach_files(
    *, actor: Person, submission: Submission, uploads: list[Upload]
) -> list[Attachment]:
    """Store checked uploads (file, original name, inspection) with the draft. The bytes go
    to storage under their hash; thumbnails and EXIF are made in the background.
    Side effects: files in storage, attachment rows, audit row, queued tasks."""
    submission = _locked(submission)
    if not can_report_for(actor, submission):
        raise PermissionDenied
    if submission.state not in EDITABLE:
        raise StateConflict(_("This report was submitted and can no longer be edited."))
    created = []
    for upload in uploads:
        created.append(
            Attachment.objects.create(
                submission=submission, uploaded_by=actor, **files.stored_fields(upload)
            )
        )
    submission.draft = {k: v for k, v in submission.draft.items() if k != "frozen_as"}
    submission.save(update_fields=["draft", "updated_at"])
    record(
        actor=actor,
        action="report.attach",
        target=submission,
        summary="、".join(a.original_name for a in created)[:200],
        files=[a.sha256 for a in created],
    )
    ids = [a.pk for a in created]
    label = Attachment._meta.label
    transaction.on_commit(lambda: [core_tasks.process_stored_file(label, pk) for pk in ids])
    return created


@transaction.atomic
def remove_attachment(*, actor: Person, attachment: Attachment) -> None:
    """Take a file out of the draft. The file and its row stay: earlier versions that were
    submitted with it keep it."""
    submission = _locked(attachment.submission)
    if not can_report_for(actor, submission):
        raise PermissionDenied
    if submission.state not in EDITABLE:
        raise StateConflict(_("This report was submitted and can no longer be edited."))
    attachment.in_draft = False
    attachment.save(update_fields=["in_draft"])
    submission.draft = {k: v for k, v in submission.draft.items() if k != "frozen_as"}
    submission.save(update_fields=["draft", "updated_at"])
    record(actor=actor, action="report.detach", target=submission, summary=attachment.original_name)


@transaction.atomic
def record_download(*, actor: Person, attachment: Attachment) -> None:
    """Who opened which evidence file (a thumbnail is not recorded: pages show them).
    Side effects: audit row."""
    record(
        actor=actor,
        action="attachment.download",
        target=attachment.submission,
        summary=attachment.original_name,
        attachment=attachment.pk,
        sha256=attachment.sha256,
    )


def accepts_from(period: Period, requirement: Requirement) -> datetime:
    """When the period starts accepting reports: its opening, less the days early the
    office allows for the requirement."""
    return period.opens_at - timedelta(days=requirement.opens_days_early)


def _check_open(period: Period, requirement: Requirement, now: datetime) -> None:
    start = accepts_from(period, requirement)
    if now < start:
        raise ValidationError(
            _("%(what)s accepts reports from %(when)s; it cannot be submitted yet.")
            % {
                "what": f"{requirement.title} · {period.label}"
                if requirement.schedule == Schedule.WEEKLY
                else requirement.title,
                "when": f"{start.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}",
            }
        )


def _same_as_last(submission: Submission) -> bool:
    last = submission.versions.order_by("-number").first()
    return last is not None and submission.draft.get("frozen_as") == last.number


@transaction.atomic
def submit_report(*, actor: Person, submission: Submission) -> SubmissionVersion:
    """Freeze the draft into a new version. Refused before the period accepts reports (its
    opening, less the requirement's days early), with activities dated after today, or with
    fewer attachments than the requirement asks. The first submit decides timeliness against
    the period's due time, by the server's clock; an ad-hoc item (no period) has none.
    Submitting again what was just submitted (a double click, a retry) returns the existing
    version instead of making another.
    Side effects: version, activity and value rows; the period's tally; audit row; the
    registered follow-ups (reports.followups) queued for after the commit."""
    submission = _locked(submission)
    if not can_report_for(actor, submission):
        raise PermissionDenied
    if submission.state in AWAITING_REVIEW and _same_as_last(submission):
        return submission.versions.order_by("-number").first()
    if submission.state not in EDITABLE:
        raise StateConflict(_("This report was already submitted."), submission_id=submission.pk)
    stored = submission.draft
    draft = ReportDraft.from_stored(stored)
    text = draft.text.strip()
    if not text:
        raise ValidationError({"text": _("Write what your unit did before submitting.")})
    now = timezone.now()
    if submission.period is not None:
        _check_open(submission.period, submission.requirement, now)
    check_held(draft, submitted_at=now)
    attached = list(submission.attachments.filter(in_draft=True))
    check_evidence(submission.requirement, evidence_counts(attached))
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=submission.versions.count() + 1,
        text=text,
        submitted_at=now,
        submitted_by=actor,
    )
    for row in draft.activities:
        activity = ActivityRecord(version=version, **row.model_dump())
        activity.full_clean()
        activity.save()
    indicators = {i.pk: i for i in submission.requirement.indicators.all()}
    for pk, value in draft.values.items():
        if pk in indicators:  # an indicator taken off the requirement since the draft
            IndicatorValue.objects.create(version=version, indicator=indicators[pk], value=value)
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        if submission.period is not None:
            on_time = now <= submission.period.due_at
            submission.timeliness = Timeliness.ON_TIME if on_time else Timeliness.LATE
    version.attachments.set(attached)
    submission.state = State.RESUBMITTED if submission.state == State.RETURNED else State.SUBMITTED
    submission.draft = {**stored, "frozen_as": version.number}
    submission.save()
    tally.refresh_submission(submission)
    followups.queue(version.pk)
    record(
        actor=actor,
        action="report.submit",
        target=submission,
        summary=str(submission),
        version=version.number,
        timeliness=submission.timeliness,
    )
    return version


def _review(actor: Person, submission: Submission, kind: str, reason: str) -> Submission:
    submission = _locked(submission)
    if not can_review(actor, submission):
        raise PermissionDenied
    if submission.state not in AWAITING_REVIEW:
        raise StateConflict(_("Only a submitted report can be reviewed."))
    version = submission.versions.order_by("-number").first()
    review = Review(
        submission=submission, version=version, kind=kind, reason=reason.strip(), reviewer=actor
    )
    review.full_clean()
    review.save()
    submission.state = State.ACCEPTED if kind == ReviewKind.ACCEPT else State.RETURNED
    submission.save(update_fields=["state", "updated_at"])
    if kind == ReviewKind.ACCEPT:  # its indicators now count; a returned report still does
        tally.refresh_submission(submission)
    record(
        actor=actor,
        action=f"report.{kind}",
        target=submission,
        summary=reason[:200],
        version=version.number,
    )
    return submission


@transaction.atomic
def accept_submission(*, actor: Person, submission: Submission) -> Submission:
    """Accept the latest version. Side effects: review row, audit row."""
    return _review(actor, submission, ReviewKind.ACCEPT, "")


@transaction.atomic
def return_submission(*, actor: Person, submission: Submission, reason: str) -> Submission:
    """Send the report back with a reason the liaison sees beside it; the version stays.
    Side effects: review row, audit row; the liaison is told in the background."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is returned.")})
    submission = _review(actor, submission, ReviewKind.RETURN, reason)
    transaction.on_commit(lambda: tasks.notify_returned(submission.pk))
    return submission


def accept_many(*, actor: Person, submissions: list[Submission]) -> int:
    """Bulk accept; each in its own transaction, skipping those no longer awaiting review."""
    done = 0
    for submission in submissions:
        try:
            accept_submission(actor=actor, submission=submission)
            done += 1
        except StateConflict:
            continue
    return done


@transaction.atomic
def set_highlight(*, actor: Person, attachment: Attachment, highlight: bool) -> None:
    """The office marks a photo for the campaign summary. Side effects: audit row."""
    if not can_review(actor, attachment.submission) or attachment.kind != "photo":
        raise PermissionDenied
    attachment.highlight = highlight
    attachment.save(update_fields=["highlight"])
    record(
        actor=actor,
        action="attachment.highlight",
        target=attachment.submission,
        summary=attachment.original_name,
        highlight=highlight,
    )
