"""Roll-ups up the campaign tree ("全国统一、上下联动"): completeness and timeliness of
everyone who reports below a campaign, per period of that campaign and overall.

A campaign's participant that runs its own linked campaign under it (a county under the
city) stands for every unit reporting in that campaign, and in the campaigns under it in
turn; a participant without one stands for itself. A child's period counts towards the
parent's period it was inherited from (same requirement chain, same number), so the
county's earlier Thursday deadline still adds up into the city's week 1.

The campaign's own participants are counted from their submissions, as on its board;
everything below comes from the maintained tallies (reports.tally, decision 0009) in two
grouped queries over one lineage range, whatever the depth or size of the tree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import IntegerField, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from anxuan.campaigns.models import LINEAGE_WIDTH, Campaign, Participant, Period
from anxuan.reports.board import Rate, board_periods, cell_for
from anxuan.reports.models import FigureTally, PeriodTally, Submission
from anxuan.reports.tally import chain_tops


@dataclass
class RollupRow:
    participant: Participant
    child: Campaign | None  # its linked campaign, if it runs one
    rates: list[Rate]
    rate: Rate = field(default_factory=Rate)
    units: int = 0  # units reporting at the bottom


@dataclass
class Rollup:
    periods: list[Period]
    rows: list[RollupRow]
    period_rates: list[Rate]
    overall: Rate


def below(campaign: Campaign, model: type = PeriodTally, *, own: bool = False) -> QuerySet:
    """The tallies of every campaign below this one (and its own with `own`), archived
    branches left out: one prefix range of the lineage index."""
    tallies = model.objects.filter(lineage__startswith=campaign.lineage)
    if not own:
        tallies = tallies.exclude(lineage=campaign.lineage)
    for lineage in Campaign.objects.filter(
        lineage__startswith=campaign.lineage, archived=True
    ).values_list("lineage", flat=True):
        tallies = tallies.exclude(lineage__startswith=lineage)
    return tallies


def branch_of(campaign: Campaign) -> Cast:
    """The id of this campaign's child that a tally's campaign sits under (or is)."""
    start = len(campaign.lineage) + 1
    return Cast(Substr("lineage", start, LINEAGE_WIDTH), IntegerField())


def columns(periods: list[Period]) -> dict[tuple[int, int], int]:
    """{(top of the requirement chain, period number): index among `periods`}: where a
    tally of any campaign below counts."""
    tops = chain_tops({p.requirement_id for p in periods})
    return {(tops[p.requirement_id], p.number): i for i, p in enumerate(periods)}


def _branch_rates(
    campaign: Campaign, periods: list[Period], now: datetime
) -> tuple[dict[int, list[Rate]], dict[int, int]]:
    """({child campaign id: a Rate per period}, {child campaign id: units at the bottom})."""
    where = columns(periods)
    rates: dict[int, list[Rate]] = defaultdict(lambda: [Rate() for _ in periods])
    for branch, chain, number, expected, reported, timely in (
        below(campaign)
        .filter(due_at__lte=now)
        .values("chain_id", "number", branch=branch_of(campaign))
        .annotate(expected=Sum("expected"), reported=Sum("reported"), timely=Sum("timely"))
        .values_list("branch", "chain_id", "number", "expected", "reported", "timely")
        .order_by()
    ):
        if (chain, number) in where:
            rates[branch][where[chain, number]].include(Rate(expected, reported, timely))
    units: dict[int, int] = {}
    if periods:
        first = next(iter(where))
        units = dict(
            below(campaign)
            .filter(chain_id=first[0], number=first[1])
            .values(branch=branch_of(campaign))
            .annotate(units=Sum("units"))
            .values_list("branch", "units")
            .order_by()
        )
    return rates, units


def build_rollup(campaign: Campaign, *, now: datetime | None = None) -> Rollup:
    """Every unit reporting below the campaign, counted towards its participants' rows."""
    now = now or timezone.now()
    periods = board_periods(campaign)
    children = {
        c.owner_id: c
        for c in Campaign.objects.filter(parent=campaign, archived=False).select_related("owner")
    }
    participants = list(
        campaign.participants.select_related("organization").order_by("organization__path")
    )
    # A participant without a linked campaign reports itself, in this campaign.
    direct = [p for p in participants if p.organization_id not in children]
    below_rates, units = _branch_rates(campaign, periods, now)
    own = {
        (s.participant_id, s.period_id): s
        for s in Submission.objects.filter(participant__in=direct, period__in=periods).only(
            "participant_id", "period_id", "state", "timeliness"
        )
    }
    rows, period_rates, overall = [], [Rate() for _ in periods], Rate()
    for participant in participants:
        child = children.get(participant.organization_id)
        row = RollupRow(participant, child, [Rate() for _ in periods])
        if child is None:  # reports itself, counted as on its board
            row.units = 1
            for i, period in enumerate(periods):
                row.rates[i].add(
                    cell_for(participant, period, own.get((participant.pk, period.pk)), now)
                )
        else:
            row.units = units.get(child.pk, 0)
            row.rates = below_rates[child.pk]
        for i, rate in enumerate(row.rates):
            for total in (row.rate, period_rates[i], overall):
                total.include(rate)
        rows.append(row)
    return Rollup(periods, rows, period_rates, overall)


@dataclass
class Figures:
    """Figures of every unit reporting in and below a campaign (decision 0009): totals per
    metric (see FigureTally), per period of the campaign, and per child campaign."""

    totals: dict[str, Decimal]
    by_period: dict[str, list[Decimal]]
    by_child: dict[int, dict[str, Decimal]]


def build_figures(campaign: Campaign, periods: list[Period]) -> Figures:
    where = columns(periods)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    by_period: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0) for _ in periods])
    for chain, number, metric, value in (
        below(campaign, FigureTally, own=True)
        .values("chain_id", "number", "metric")
        .annotate(value=Sum("value"))
        .values_list("chain_id", "number", "metric", "value")
        .order_by()
    ):
        totals[metric] += value
        if (chain, number) in where:
            by_period[metric][where[chain, number]] += value
    by_child: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for branch, metric, value in (
        below(campaign, FigureTally)
        .values("metric", branch=branch_of(campaign))
        .annotate(value=Sum("value"))
        .values_list("branch", "metric", "value")
        .order_by()
    ):
        by_child[branch][metric] = value
    return Figures(dict(totals), dict(by_period), dict(by_child))
