"""The assessment (考核) through the API: a campaign's rubric, a unit's self-scores, an
assessor's scores, every unit's scores for the office, and a unit's published result.
The same rules, services and audit rows as the pages."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema

from anxuan.api.schemas import ParticipantRef
from anxuan.assessment import publication, selectors, services
from anxuan.assessment.enums import RubricState
from anxuan.assessment.models import Item, Rubric
from anxuan.assessment.scoring import ZERO
from anxuan.assessment.services import Entry, Sheet
from anxuan.campaigns.models import Campaign, Participant
from anxuan.campaigns.selectors import get_campaign_for, get_participant_for, participants_of
from anxuan.core.http import AuthenticatedHttpRequest

router = Router(tags=["assessment"])


class ItemOut(Schema):
    id: int
    title: str = Field(description="考核项目")
    criterion: str = Field(description="考核标准")
    max_points: Decimal = Field(description="分值")
    rule: str = Field(description="评分方式: done, per_count, timeliness, regularity, …")
    per_unit: Decimal | None
    cap: Decimal | None
    tiers: list[float]
    evidence: str = Field(description="落实情况(提供数据): the evidence asked for")
    measure: str = Field(description="what it is computed from (a measure's key), or empty")
    measure_params: dict[str, Any]
    zero_if_no_data: bool
    zero_if_no_document: bool
    zero_if_late: bool


class SectionOut(Schema):
    id: int
    title: str
    items: list[ItemOut]


class RubricOut(Schema):
    id: int
    title: str
    total_points: Decimal
    state: str = Field(description="draft, open or closed")
    sections: list[SectionOut]


class EntryIn(Schema):
    item_id: int
    points: Decimal | None = Field(description="empty: none (an earlier one is removed)")
    words: str = Field("", description="a self-score's evidence, or the assessor's reason")
    reports: list[int] = Field([], description="a self-score: the unit's own reports cited")


class EntriesIn(Schema):
    entries: list[EntryIn]


class SavedOut(Schema):
    saved: int


class ItemScoreOut(Schema):
    item_id: int
    points: Decimal | None = Field(
        description="the item's points (only what the data gives before the result is out);"
        " null when still to score"
    )
    why: str
    computed: Decimal | None = Field(description="what the data gives")
    self_score: Decimal | None
    assessed: list[Decimal] = Field(description="each assessor's score")


class SheetOut(Schema):
    participant: ParticipantRef
    total: Decimal
    vetoed: bool
    pending: int = Field(description="items an assessor still has to score")
    items: list[ItemScoreOut]


def _rubric(campaign: Campaign) -> Rubric:
    found = Rubric.objects.filter(campaign=campaign).first()
    if found is None:
        raise Http404
    return found


def _sheet(participant: Participant, sheet: Sheet, items: list[Item], *, assessed: bool) -> dict:
    """The unit's sheet; without `assessed`, only what the data gives and its self-scores
    (the total and the items to score then count those too, so that nothing of the
    assessors' scores shows through)."""
    shown = sheet.outcomes if assessed else sheet.computed
    return {
        "participant": participant,
        "total": sum((shown[i.pk].points or ZERO for i in items), ZERO),
        "vetoed": any(shown[i.pk].vetoed for i in items),
        "pending": sum(shown[i.pk].points is None for i in items),
        "items": [
            {
                "item_id": item.pk,
                "points": shown[item.pk].points,
                "why": shown[item.pk].why,
                "computed": sheet.computed[item.pk].points,
                "self_score": own.points if (own := sheet.self_scores.get(item.pk)) else None,
                "assessed": [s.points for s in sheet.assessed.get(item.pk, [])] if assessed else [],
            }
            for item in items
        ],
    }


@router.get("/campaigns/{campaign_id}/rubric", response=RubricOut)
def rubric(request: AuthenticatedHttpRequest, campaign_id: int):
    """The campaign's rubric: sections and items with their rules and numbers."""
    found = _rubric(get_campaign_for(request.user, campaign_id))
    items = services.items_of(found)
    return {
        "id": found.pk,
        "title": found.title,
        "total_points": found.total_points,
        "state": found.state,
        "sections": [
            {"id": section.pk, "title": section.title, "items": rows}
            for section, rows in services.grouped(items).items()
        ],
    }


@router.get("/campaigns/{campaign_id}/scores", response=list[SheetOut])
def scores(request: AuthenticatedHttpRequest, campaign_id: int):
    """Every unit's points as the data stands (frozen once closed): the organising office."""
    campaign = get_campaign_for(request.user, campaign_id, perm="assessment.manage")
    found = _rubric(campaign)
    items = services.items_of(found)
    participants = list(participants_of(campaign).select_related("organization"))
    sheets = services.sheets(found, [p.pk for p in participants])
    return [_sheet(p, sheets[p.pk], items, assessed=True) for p in participants]


def _entries(rubric: Rubric, payload: EntriesIn) -> list[Entry]:
    items = {i.pk: i for i in services.items_of(rubric)}
    unknown = [e.item_id for e in payload.entries if e.item_id not in items]
    if unknown:
        raise Http404
    return [Entry(items[e.item_id], e.points, e.words, tuple(e.reports)) for e in payload.entries]


@router.put("/campaigns/{campaign_id}/participants/{participant_id}/self-scores", response=SavedOut)
def self_scores(
    request: AuthenticatedHttpRequest, campaign_id: int, participant_id: int, payload: EntriesIn
):
    """The unit's self-scores (自评分), all or nothing: its liaison, or the office over it."""
    campaign = get_campaign_for(request.user, campaign_id)
    unit = get_participant_for(
        request.user, campaign, participant_id, perm="campaigns.register_liaison"
    )
    entries = _entries(_rubric(campaign), payload)
    return {"saved": services.self_score(actor=request.user, participant=unit, entries=entries)}


@router.put(
    "/campaigns/{campaign_id}/participants/{participant_id}/assessed-scores",
    response=SavedOut,
)
def assessed_scores(
    request: AuthenticatedHttpRequest, campaign_id: int, participant_id: int, payload: EntriesIn
):
    """The caller's scores of a unit (考核得分), each with its reason, all or nothing: the
    organising office's staff or an assessor it named, never for their own organisation."""
    campaign = selectors.campaign_to_assess(request.user, campaign_id)
    unit = selectors.unit_to_assess(campaign, participant_id)
    if not services.may_assess(request.user, unit):
        raise PermissionDenied
    entries = _entries(_rubric(campaign), payload)
    return {"saved": services.assess(actor=request.user, participant=unit, entries=entries)}


@router.get("/campaigns/{campaign_id}/participants/{participant_id}/result", response=SheetOut)
def result(request: AuthenticatedHttpRequest, campaign_id: int, participant_id: int):
    """The unit's result: once published, for the unit; after closing, for the office.
    Before that, the unit sees what the data gives and its self-scores, not the assessors'."""
    campaign = get_campaign_for(request.user, campaign_id)
    unit = get_participant_for(
        request.user, campaign, participant_id, perm="campaigns.register_liaison"
    )
    found = _rubric(campaign)
    office = request.user.has_perm("assessment.manage", campaign)
    shown = found.state == RubricState.CLOSED and (
        office or publication.published(found) is not None
    )
    sheet = services.sheets(found, [unit.pk])[unit.pk]
    return _sheet(unit, sheet, services.items_of(found), assessed=shown or office)
