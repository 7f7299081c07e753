"""Reads of campaigns, scoped to the person asking."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from anxuan.campaigns.deadlines import due_day
from anxuan.campaigns.enums import RequirementKind, Schedule
from anxuan.campaigns.models import Campaign, Indicator, Participant, Period, Requirement
from anxuan.orgs.enums import OFFICE_ROLES, Role
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import own_org_ids, subtree_q
from anxuan.orgs.selectors import organizations_visible_to


def _asks_for_liaison_form() -> Exists:
    """Whether the campaign (the outer row) has a liaison-form requirement: only then is a
    unit without a registered liaison missing something."""
    return Exists(
        Requirement.objects.filter(campaign=OuterRef("pk"), kind=RequirementKind.LIAISON_FORM)
    )


def asks_for_liaison_form(campaign: Campaign) -> bool:
    return campaign.requirements.filter(kind=RequirementKind.LIAISON_FORM).exists()


def unregistered_participants(campaign: Campaign) -> QuerySet:
    """The participants missing their liaison form: none when the campaign asks for none."""
    if not asks_for_liaison_form(campaign):
        return campaign.participants.none()
    return campaign.participants.filter(registered_at__isnull=True)


def campaigns_visible_to(person: Person) -> QuerySet:
    """Campaigns the person organises or takes part in, each with `participant_count`,
    `registered_count` and `unregistered_count` (participants missing the liaison form
    the campaign asks for: 0 when it asks for none)."""
    participating = Participant.objects.filter(subtree_q(person, field="organization"))
    return (
        Campaign.objects.filter(
            Q(subtree_q(person, field="owner")) | Q(pk__in=participating.values("campaign_id")),
            archived=False,
        )
        .select_related("owner")
        .annotate(asks_for_liaison_form=_asks_for_liaison_form())
        .annotate(
            participant_count=Count("participants", distinct=True),
            registered_count=Count(
                "participants", filter=Q(participants__registered_at__isnull=False), distinct=True
            ),
            unregistered_count=Count(
                "participants",
                filter=Q(participants__registered_at__isnull=True, asks_for_liaison_form=True),
                distinct=True,
            ),
        )
    )


def same_kind_campaigns(person: Person, *, owner: Organization, kind: str, year: int) -> QuerySet:
    """The campaigns of this kind the office already runs in that year (what a new one
    would duplicate), as far as the person sees them."""
    return campaigns_visible_to(person).filter(owner=owner, kind=kind, year=year).order_by("pk")


def get_campaign_for(person: Person, pk: int, perm: str = "campaigns.view_campaign") -> Campaign:
    """A campaign the person may see, or 404 (never reveal that it exists); checked for
    `perm` in the same step (e.g. "campaigns.manage_campaign", "campaigns.oversee"): 403
    when they see it but lack that."""
    campaign = (
        Campaign.objects.select_related("owner", "copied_from", "parent__owner")
        .filter(pk=pk)
        .first()
    )
    if campaign is None or not person.has_perm("campaigns.view_campaign", campaign):
        raise Http404
    if perm != "campaigns.view_campaign" and not person.has_perm(perm, campaign):
        raise PermissionDenied
    return campaign


def requirements_with_periods(campaign: Campaign) -> list[Requirement]:
    return list(
        campaign.requirements.select_related("phase").prefetch_related(
            "indicators", Prefetch("periods", queryset=Period.objects.order_by("due_at"))
        )
    )


def participants_of(campaign: Campaign) -> QuerySet:
    return campaign.participants.select_related("organization", "organization__parent")


def participants_for(person: Person, campaign: Campaign) -> QuerySet:
    """The participants the person acts for: all for the campaign's office; otherwise the
    units below the person's office roles and the units they are the liaison of."""
    qs = participants_of(campaign)
    if person.has_perm("campaigns.manage_campaign", campaign):
        return qs
    return qs.filter(
        subtree_q(person, OFFICE_ROLES, field="organization")
        | Q(organization_id__in=own_org_ids(person, [Role.LIAISON]))
    )


def get_participant_for(
    person: Person, campaign: Campaign | None, pk: int, *, perm: str | None = None
) -> Participant:
    """A participant the person acts for (participants_for), of `campaign` or, when that is
    None, of whichever campaign it belongs to: 404 otherwise, as for a missing one. With
    `perm` (e.g. "campaigns.register_liaison") also checked for it: 403 when lacking."""
    if campaign is None:
        found = Participant.objects.select_related("campaign").filter(pk=pk).first()
        if found is None:
            raise Http404
        campaign = found.campaign
    participant = participants_for(person, campaign).filter(pk=pk).first()
    if participant is None:
        raise Http404
    participant.campaign = campaign
    if perm is not None and not person.has_perm(perm, participant):
        raise PermissionDenied
    return participant


def participant_candidates(
    person: Person,
    campaign: Campaign,
    *,
    only_ids: list[int] | None = None,
    created_since: date | None = None,
) -> QuerySet:
    """The units below the campaign's organiser that the person sees, each with
    `taking_part` (already a participant); narrowed to `only_ids` (e.g. the units of an
    import) and to those created on or after `created_since` (a day in Asia/Shanghai)."""
    units = (
        organizations_visible_to(person)
        .filter(path__startswith=campaign.owner.path)
        .exclude(pk=campaign.owner_id)
        .annotate(
            taking_part=Exists(
                Participant.objects.filter(campaign=campaign, organization=OuterRef("pk"))
            )
        )
    )
    if only_ids is not None:
        units = units.filter(pk__in=only_ids)
    if created_since is not None:
        units = units.filter(created_at__date__gte=created_since)
    return units


def indicators_visible_to(person: Person) -> QuerySet:
    return Indicator.objects.filter(
        Q(owner__isnull=True) | subtree_q(person, field="owner"), archived=False
    ).select_related("owner")


def due_for_liaison(person: Person, *, days_back: int = 7, limit: int = 20) -> list[dict]:
    """What the person's units must submit next, earliest first: every open or recently
    passed period of every campaign their units take part in."""
    now = timezone.now()
    mine = Participant.objects.filter(
        organization_id__in=own_org_ids(person, [Role.LIAISON]), campaign__archived=False
    ).select_related("organization", "campaign")
    by_campaign: dict[int, list[Participant]] = {}
    for p in mine:
        by_campaign.setdefault(p.campaign_id, []).append(p)
    if not by_campaign:
        return []
    periods = (
        Period.objects.filter(
            requirement__campaign_id__in=by_campaign, due_at__gte=now - timedelta(days=days_back)
        )
        .select_related("requirement", "requirement__campaign")
        .order_by("due_at")[:limit]
    )
    rows = []
    for period in periods:
        for participant in by_campaign[period.requirement.campaign_id]:
            if due_day(period.due_at) >= participant.joined_on:
                rows.append(
                    {"period": period, "participant": participant, "overdue": period.due_at < now}
                )
    return rows


def adhoc_for_liaison(person: Person) -> list[dict]:
    """The ad-hoc requirements ("any time", no due time) the person's units may report to
    now: those of every campaign they take part in that has not ended."""
    mine = Participant.objects.filter(
        organization_id__in=own_org_ids(person, [Role.LIAISON]),
        campaign__archived=False,
        campaign__ends_on__gte=timezone.localdate(),
    ).select_related("organization", "campaign")
    by_campaign: dict[int, list[Participant]] = {}
    for p in mine:
        by_campaign.setdefault(p.campaign_id, []).append(p)
    requirements = Requirement.objects.filter(
        campaign_id__in=by_campaign, schedule=Schedule.ANYTIME
    ).select_related("campaign")
    return [
        {"requirement": requirement, "participant": participant}
        for requirement in requirements.order_by("campaign__starts_on", "order", "id")
        for participant in by_campaign[requirement.campaign_id]
    ]


def liaison_registrations_for(person: Person) -> QuerySet:
    """The person's participations whose liaison form, asked for by the campaign, is not
    yet filled in."""
    return Participant.objects.filter(
        Exists(
            Requirement.objects.filter(
                campaign=OuterRef("campaign_id"), kind=RequirementKind.LIAISON_FORM
            )
        ),
        organization_id__in=own_org_ids(person, [Role.LIAISON]),
        campaign__archived=False,
        registered_at__isnull=True,
    ).select_related("organization", "campaign")


def office_campaigns(person: Person) -> QuerySet:
    return campaigns_visible_to(person).filter(subtree_q(person, OFFICE_ROLES, field="owner"))


def next_deadlines(campaign_ids: list[int], *, limit: int = 10) -> QuerySet:
    return (
        Period.objects.filter(requirement__campaign_id__in=campaign_ids, due_at__gte=timezone.now())
        .select_related("requirement", "requirement__campaign")
        .order_by("due_at")[:limit]
    )


def linkable_for(person: Person, campaign: Campaign) -> QuerySet:
    """The person's own offices that take part in the campaign and have not yet set up their
    campaign under it."""
    return (
        campaign.participants.filter(organization_id__in=own_org_ids(person, OFFICE_ROLES))
        .exclude(organization__campaigns__parent=campaign)
        .select_related("organization")
    )
