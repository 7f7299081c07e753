"""Campaigns with their requirements, periods and indicators; participants and liaisons."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from anxuan.api.errors import form_error
from anxuan.api.pagination import Page, PageParams, paginate
from anxuan.api.schemas import (
    AddedOut,
    CampaignDetailOut,
    CampaignOut,
    IndicatorOut,
    LiaisonIn,
    ParticipantOut,
    ParticipantsIn,
    PeriodOut,
    RequirementOut,
)
from anxuan.campaigns import selectors, services
from anxuan.campaigns.enums import CampaignKind
from anxuan.campaigns.forms import LiaisonForm, ParticipantsForm
from anxuan.campaigns.models import CampaignIndicator, Period
from anxuan.orgs.selectors import organizations_visible_to

router = Router(tags=["campaigns"])
CAMPAIGN_FIELDS = (
    "id",
    "title",
    "kind",
    "theme",
    "year",
    "starts_on",
    "ends_on",
    "owner",
    "office_name",
    "description",
)


class CampaignFilters(Schema):
    year: int | None = None
    kind: CampaignKind | None = None
    owner: int | None = Field(None, description="organising organisation")


class PeriodFilters(Schema):
    requirement: int | None = None


class ParticipantFilters(Schema):
    registered: bool | None = Field(None, description="whether the liaison form is in")


@router.get("/campaigns", response=Page[CampaignOut])
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilters], page: Query[PageParams]):
    """Campaigns the caller organises, oversees or takes part in; the latest first."""
    campaigns = selectors.campaigns_visible_to(request.user)
    if filters.year:
        campaigns = campaigns.filter(year=filters.year)
    if filters.kind:
        campaigns = campaigns.filter(kind=filters.kind)
    if filters.owner:
        campaigns = campaigns.filter(owner_id=filters.owner)
    return paginate(campaigns, page, order="-starts_on")


@router.get("/campaigns/{campaign_id}", response=CampaignDetailOut)
def get_campaign(request: HttpRequest, campaign_id: int):
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    counts = campaign.participants.values_list("registered_at", flat=True)
    return {
        **{name: getattr(campaign, name) for name in CAMPAIGN_FIELDS},
        "participant_count": len(counts),
        "registered_count": sum(1 for at in counts if at is not None),
        "phases": campaign.phases.all(),
        "activity_types": campaign.activity_types.values_list("name", flat=True),
        "domains": campaign.domains.values_list("name", flat=True),
        "can_manage": request.user.has_perm("campaigns.manage_campaign", campaign),
        "can_oversee": request.user.has_perm("campaigns.oversee", campaign),
    }


@router.get("/campaigns/{campaign_id}/requirements", response=Page[RequirementOut])
def list_requirements(request: HttpRequest, campaign_id: int, page: Query[PageParams]):
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    requirements = campaign.requirements.prefetch_related("indicators")
    return paginate(requirements, page, order="order")


@router.get("/campaigns/{campaign_id}/periods", response=Page[PeriodOut])
def list_periods(
    request: HttpRequest,
    campaign_id: int,
    filters: Query[PeriodFilters],
    page: Query[PageParams],
):
    """Every due time of the campaign, earliest first."""
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    periods = Period.objects.filter(requirement__campaign=campaign).select_related("requirement")
    if filters.requirement:
        periods = periods.filter(requirement_id=filters.requirement)
    return paginate(periods, page, order="due_at")


@router.get("/campaigns/{campaign_id}/indicators", response=Page[IndicatorOut])
def list_indicators(request: HttpRequest, campaign_id: int, page: Query[PageParams]):
    """The columns of the campaign's statistics table, in order."""
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    rows = paginate(
        CampaignIndicator.objects.filter(campaign=campaign).select_related("indicator"),
        page,
        order="order",
    )
    return {**rows, "items": [row.indicator for row in rows["items"]]}


@router.get("/campaigns/{campaign_id}/participants", response=Page[ParticipantOut])
def list_participants(
    request: HttpRequest,
    campaign_id: int,
    filters: Query[ParticipantFilters],
    page: Query[PageParams],
):
    """All participants for the organising office; a unit's own rows for everyone else."""
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    participants = selectors.participants_for(request.user, campaign)
    if filters.registered is not None:
        participants = participants.filter(registered_at__isnull=not filters.registered)
    return paginate(participants, page, order="organization__path")


@router.post("/campaigns/{campaign_id}/participants", response={201: AddedOut})
def add_participants(request: HttpRequest, campaign_id: int, payload: ParticipantsIn):
    """Add units below the organiser to the campaign (the office's bulk add)."""
    campaign = selectors.get_campaign_for(
        request.user, campaign_id, perm="campaigns.manage_campaign"
    )
    candidates = (
        organizations_visible_to(request.user)
        .filter(path__startswith=campaign.owner.path)
        .exclude(pk=campaign.owner_id)
        .exclude(participations__campaign=campaign)
    )
    form = ParticipantsForm(
        {"organizations": payload.organization_ids, "joined_on": payload.joined_on or ""},
        organizations=candidates,
    )
    if not form.is_valid():
        raise form_error(form, {"organizations": "organization_ids"})
    added = services.add_participants(
        actor=request.user,
        campaign=campaign,
        organizations=list(form.cleaned_data["organizations"]),
        joined_on=form.cleaned_data["joined_on"],
    )
    return Status(201, {"added": added})


@router.post(
    "/campaigns/{campaign_id}/participants/{participant_id}/liaison", response=ParticipantOut
)
def register_liaison(
    request: HttpRequest, campaign_id: int, participant_id: int, payload: LiaisonIn
):
    """The liaison form (联络员推荐表): the unit names who reports for it."""
    campaign = selectors.get_campaign_for(request.user, campaign_id)
    participant = selectors.get_participant_for(
        request.user, campaign, participant_id, perm="campaigns.register_liaison"
    )
    form = LiaisonForm(payload.model_dump())
    if not form.is_valid():
        raise form_error(form)
    return services.register_liaison(
        actor=request.user, participant=participant, **form.cleaned_data
    )
