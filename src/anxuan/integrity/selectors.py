"""Reads of flags for pages, the API and other apps (assessment deducts for confirmed flags
through `confirmed_by_unit`; the board shows it as a column)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from anxuan.campaigns.models import Campaign
from anxuan.integrity.enums import CheckState, FlagState
from anxuan.integrity.models import EvidenceCheck, Flag, SharedMaterial
from anxuan.integrity.rules import sees_other_in_full
from anxuan.orgs.enums import OFFICE_ROLES, REVIEW_ROLES, Role
from anxuan.orgs.models import Organization
from anxuan.orgs.rules import own_org_ids, subtree_q
from anxuan.reports.models import Attachment, SubmissionVersion

OPEN_STATES = (FlagState.OPEN, FlagState.EXPLAINED)


def campaign_flags(
    campaign: Campaign,
    *,
    kind: str = "",
    state: str = "",
    severity: str = "",
    participant_id: int | None = None,
) -> QuerySet[Flag]:
    flags = Flag.objects.filter(campaign=campaign).select_related(
        "participant__organization", "submission__requirement", "submission__period"
    )
    if kind:
        flags = flags.filter(kind=kind)
    if state:
        flags = flags.filter(state=state)
    if severity:
        flags = flags.filter(severity=severity)
    if participant_id is not None:
        flags = flags.filter(participant_id=participant_id)
    return flags


def own_flags(person: Any) -> QuerySet[Flag]:
    """The flags on reports of the units the person reports for: their liaison's own units
    and the units below an office they belong to."""
    liaison_of = own_org_ids(person, [Role.LIAISON])
    return (
        Flag.objects.filter(
            Q(participant__organization__in=liaison_of)
            | subtree_q(person, OFFICE_ROLES, field="participant__organization")
        )
        .select_related(
            "campaign", "participant__organization", "submission__requirement", "submission__period"
        )
        .distinct()
    )


def reviewable_campaign_ids(person: Any) -> list[int]:
    return list(
        Campaign.objects.filter(subtree_q(person, REVIEW_ROLES, field="owner")).values_list(
            "pk", flat=True
        )
    )


@dataclass
class UnitCounts:
    participant_id: int
    unit: str
    open: int
    confirmed: int
    dismissed: int
    total: int


def counts_by_unit(campaign: Campaign) -> list[UnitCounts]:
    rows = (
        Flag.objects.filter(campaign=campaign)
        .values("participant_id", "participant__organization__name")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            confirmed=Count("pk", filter=Q(state=FlagState.CONFIRMED)),
            dismissed=Count("pk", filter=Q(state=FlagState.DISMISSED)),
            total=Count("pk"),
        )
        .order_by("-confirmed", "-open", "participant__organization__name")
    )
    return [
        UnitCounts(
            r["participant_id"],
            r["participant__organization__name"],
            r["open"],
            r["confirmed"],
            r["dismissed"],
            r["total"],
        )
        for r in rows
    ]


def counts_by_kind(campaign: Campaign) -> dict[str, int]:
    rows = Flag.objects.filter(campaign=campaign).values("kind").annotate(n=Count("pk"))
    return {r["kind"]: r["n"] for r in rows}


def confirmed_by_unit(campaign: Campaign) -> dict[int, int]:
    """Confirmed flags per participant id of `campaign`: the one figure other apps read."""
    rows = (
        Flag.objects.filter(campaign=campaign, state=FlagState.CONFIRMED)
        .values("participant_id")
        .annotate(n=Count("pk"))
    )
    return {r["participant_id"]: r["n"] for r in rows}


@dataclass
class Side:
    """One item of a match as a given person may see it. `full` False: only the thumbnail
    (of a photo), the year and the unit's level are shown."""

    full: bool
    unit: Organization | None
    year: int | None
    level: str
    campaign: str = ""
    period: str = ""
    submitted_at: Any = None
    attachment: Attachment | None = None
    version: SubmissionVersion | None = None


def _side(person: Any, version: SubmissionVersion | None, attachment: Attachment | None) -> Side:
    if attachment is not None and version is None:
        version = attachment.versions.order_by("submitted_at").first()
    if version is None:
        return Side(False, None, None, "")
    submission = version.submission
    unit = submission.participant.organization
    campaign = submission.participant.campaign
    return Side(
        full=sees_other_in_full(person, unit),
        unit=unit,
        year=campaign.year,
        level=unit.get_kind_display(),
        campaign=campaign.title,
        period=str(submission.period or submission.requirement),
        submitted_at=version.submitted_at,
        attachment=attachment,
        version=version,
    )


def this_side(person: Any, flag: Flag) -> Side:
    return _side(person, flag.version, flag.attachment)


def other_side(person: Any, flag: Flag) -> Side:
    return _side(person, flag.other_version, flag.other_attachment)


# The checks keeping up (the "could not check" page) ------------------------------------


def _submitted_attachments(campaign: Campaign) -> QuerySet[Attachment]:
    in_a_version = SubmissionVersion.attachments.through.objects.filter(
        attachment_id=OuterRef("pk")
    )
    return Attachment.objects.filter(submission__participant__campaign=campaign).filter(
        Exists(in_a_version)
    )


@dataclass
class CheckCounts:
    checked: int
    pending: int
    failed: int
    skipped: int


def check_counts(campaign: Campaign) -> CheckCounts:
    """How many attachments of the campaign's submitted versions the worker has
    fingerprinted, has still to look at, could not read, or skipped (documents)."""
    submitted = _submitted_attachments(campaign)
    states = dict(
        EvidenceCheck.objects.filter(attachment__in=submitted)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    done = sum(states.values())
    return CheckCounts(
        checked=states.get(CheckState.CHECKED, 0),
        pending=submitted.count() - done,
        failed=states.get(CheckState.FAILED, 0),
        skipped=states.get(CheckState.SKIPPED, 0),
    )


def failed_checks(campaign: Campaign) -> QuerySet[EvidenceCheck]:
    """The campaign's submitted attachments the worker could not check, newest first, with
    the unit and the report they belong to."""
    return (
        EvidenceCheck.objects.filter(
            state=CheckState.FAILED, attachment__in=_submitted_attachments(campaign)
        )
        .select_related(
            "attachment__submission__participant__organization",
            "attachment__submission__requirement",
            "attachment__submission__period__requirement",
        )
        .order_by("-checked_at", "-pk")
    )


def materials_of(owner: Organization) -> QuerySet[SharedMaterial]:
    """An office's shared materials, newest first."""
    return SharedMaterial.objects.filter(owner=owner).select_related("added_by")


def material_checks(materials: list[SharedMaterial]) -> dict[int, EvidenceCheck]:
    return {
        c.material_id: c
        for c in EvidenceCheck.objects.filter(material__in=[m.pk for m in materials])
        if c.material_id is not None
    }


@dataclass
class FlagTotals:
    confirmed: int
    open: int  # open or explained: awaiting the office's decision


def flag_totals(campaign: Campaign) -> FlagTotals:
    """Flags of `campaign` and of the live linked campaigns below it (a city's dashboard
    counts its counties' towns, as its other figures do)."""
    row = (
        Flag.objects.filter(campaign__lineage__startswith=campaign.lineage)
        .filter(Q(campaign=campaign) | Q(campaign__archived=False))
        .aggregate(
            confirmed=Count("pk", filter=Q(state=FlagState.CONFIRMED)),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        )
    )
    return FlagTotals(row["confirmed"], row["open"])
