"""Reads of submissions, scoped to the person asking."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from anxuan.campaigns.models import Campaign, Participant, Period
from anxuan.core import grants
from anxuan.orgs.enums import REVIEW_ROLES, Role
from anxuan.orgs.models import Person
from anxuan.orgs.rules import own_org_ids, subtree_q
from anxuan.reports.enums import DeliveryState, State
from anxuan.reports.models import Attachment, Delivery, Submission, SubmissionVersion


def _base() -> QuerySet:
    return Submission.objects.select_related(
        "participant__organization", "requirement__campaign__owner", "period__requirement"
    ).annotate(version_count=Count("versions"))


def submissions_visible_to(person: Person) -> QuerySet:
    """Submissions of the person's own units (as liaison), of units below their office roles,
    of the campaigns they review, and those other apps grant them (core.grants)."""
    visible = (
        Q(participant__organization_id__in=own_org_ids(person, [Role.LIAISON]))
        | subtree_q(person, REVIEW_ROLES, field="requirement__campaign__owner")
        | subtree_q(person, REVIEW_ROLES, field="participant__organization")
    )
    extra = grants.granted(Submission._meta.label, person)
    return _base().filter(visible if extra is None else visible | extra)


def get_submission_for(person: Person, pk: int, perm: str = "reports.view") -> Submission:
    """A submission the person sees, checked for `perm` in the same step: 404 when it does
    not exist or is not theirs to see (never reveal which), 403 when they see it but lack
    `perm` (e.g. "reports.report", "reports.review")."""
    submission = submissions_visible_to(person).filter(pk=pk).first()
    if submission is None or not person.has_perm("reports.view", submission):
        raise Http404
    if perm != "reports.view" and not person.has_perm(perm, submission):
        raise PermissionDenied
    return submission


def get_attachment_for(person: Person, pk: int, perm: str = "reports.view") -> Attachment:
    """An evidence file of a submission the person sees (404 otherwise, as for a missing
    one), checked for `perm` on that submission (403)."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.submission = get_submission_for(person, attachment.submission_id, perm)
    return attachment


def inbox_for(person: Person, *, filters: dict) -> QuerySet:
    """Submissions the person reviews, awaiting review unless a state is asked for."""
    qs = _base().filter(subtree_q(person, REVIEW_ROLES, field="requirement__campaign__owner"))
    qs = qs.exclude(state=State.DRAFT)
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    else:
        qs = qs.filter(state__in=[State.SUBMITTED, State.RESUBMITTED])
    for key, field in (
        ("campaign", "requirement__campaign_id"),
        ("requirement", "requirement_id"),
        ("period", "period_id"),
        ("unit", "participant__organization_id"),
    ):
        if filters.get(key):
            qs = qs.filter(**{field: filters[key]})
    if filters.get("important"):
        qs = qs.filter(important=True)
    if filters.get("files"):
        qs = qs.filter(Exists(Attachment.objects.filter(submission=OuterRef("pk"))))
    return qs.order_by("-important", "first_submitted_at", "id")


def find_submission(participant: Participant, period: Period) -> Submission | None:
    return Submission.objects.filter(participant=participant, period=period).first()


def submissions_by_period(participant_ids: list[int], period_ids: list[int]) -> dict:
    """{(participant id, period id): submission} in one query."""
    return {
        (s.participant_id, s.period_id): s
        for s in Submission.objects.filter(
            participant_id__in=participant_ids, period_id__in=period_ids
        )
    }


def returned_for(person: Person) -> QuerySet:
    """Reports of the person's units that the office sent back, newest first."""
    return (
        _base()
        .filter(
            participant__organization_id__in=own_org_ids(person, [Role.LIAISON]),
            state=State.RETURNED,
        )
        .prefetch_related("reviews")
        .order_by("-updated_at")
    )


def latest_versions(campaign: Campaign) -> QuerySet:
    """The latest version of every submitted report of the campaign, with its unit, period
    and attachments, in the order of the organisation tree and the due times."""
    latest = (
        SubmissionVersion.objects.filter(submission__requirement__campaign=campaign)
        .exclude(submission__state=State.DRAFT)
        .values("submission_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    return (
        SubmissionVersion.objects.filter(id__in=latest)
        .select_related(
            "submission__participant__organization",
            "submission__requirement",
            "submission__period__requirement",
        )
        .prefetch_related("attachments")
        .order_by("submission__participant__organization__path", "submission__period__due_at", "id")
    )


def deliveries_of(campaign: Campaign, *, outcome: str = "") -> QuerySet:
    """The campaign's reminders and notices, one row per recipient and channel with what
    came of it, the latest first; only those with `outcome` when it is a delivery state.
    For a campaign the caller oversees (the view checks)."""
    found = Delivery.objects.filter(campaign=campaign).select_related(
        "recipient", "reminder__participant__organization"
    )
    if outcome in DeliveryState.values:
        found = found.filter(state=outcome)
    return found


def delivery_counts(campaign: Campaign) -> dict[str, int]:
    """How many of the campaign's deliveries are in each state."""
    counts = dict.fromkeys(DeliveryState.values, 0)
    rows = Delivery.objects.filter(campaign=campaign).values_list("state").annotate(n=Count("id"))
    counts.update(dict(rows))
    return counts
