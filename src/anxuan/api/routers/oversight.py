"""What the organising office watches: the completeness board and the statistics table."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anxuan.api.schemas import BoardOut, StatisticsOut
from anxuan.campaigns.selectors import get_campaign_for
from anxuan.rollup.board import campaign_board
from anxuan.rollup.statistics import statistics_table

router = Router(tags=["oversight"])


class BoardFilters(Schema):
    requirement: int | None = Field(None, description="one requirement's periods only")
    only: Literal["missing"] | None = Field(None, description="rows with a missing report")


class StatisticsFilters(Schema):
    basis: Literal["accepted", "submitted"] = Field(
        "accepted", description="count accepted reports, or every submitted one"
    )


def overseen(request: HttpRequest, campaign_id: int):
    """A campaign the caller sees (404 otherwise) and oversees (403 otherwise)."""
    return get_campaign_for(request.user, campaign_id, perm="campaigns.oversee")


@router.get("/campaigns/{campaign_id}/board", response=BoardOut)
def board(request: HttpRequest, campaign_id: int, filters: Query[BoardFilters]):
    """Participants × periods: on time, late, missing, returned, accepted; with rates."""
    campaign = overseen(request, campaign_id)
    return campaign_board(
        campaign, requirement_id=filters.requirement, only_missing=filters.only == "missing"
    )


@router.get("/campaigns/{campaign_id}/statistics", response=StatisticsOut)
def statistics(request: HttpRequest, campaign_id: int, filters: Query[StatisticsFilters]):
    """The progress statistics table (附件2): a row per unit, a column per indicator in the
    office's order. A unit that sent no figures has `reported: false` and null values."""
    campaign = overseen(request, campaign_id)
    table = statistics_table(campaign, basis=filters.basis)
    return {
        "basis": filters.basis,
        "indicators": table.indicators,
        "rows": [
            {"participant": r.participant, "reported": r.reported, "values": r.values}
            for r in table.rows
        ],
        "totals": table.totals,
        "not_reported": len(table.not_reported),
    }
