"""Roll-ups up the campaign tree ("全国统一、上下联动"): completeness and timeliness of
everyone who reports below a campaign, per period of that campaign and overall.

A campaign's participant that runs its own linked campaign under it (a county under the
city) stands for every unit reporting in that campaign, and in the campaigns under it in
turn; a participant without one stands for itself. A child's period counts towards the
parent's period it was inherited from (same requirement chain, same number), so the
county's earlier Thursday deadline still adds up into the city's week 1.

The campaign's own participants are counted from their submissions, as on its board;
everything below comes from the maintained tallies (reports.tally, decision 0010) in three
grouped queries over one lineage range, whatever the depth or size of the tree, or from
the campaign's snapshot when its tree is one of the largest.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, IntegerField, Max, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from anxuan.campaigns.models import LINEAGE_WIDTH, Campaign, Indicator, Participant, Period
from anxuan.reports.enums import State
from anxuan.reports.models import (
    ActivityRecord,
    FigureTally,
    IndicatorValue,
    PeriodTally,
    Submission,
)
from anxuan.reports.selectors import latest_versions
from anxuan.reports.tally import chain_tops
from anxuan.rollup.board import Rate, board_periods, cell_for
from anxuan.rollup.models import RollupSnapshot


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
    tallies: "Tallies"


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


@dataclass
class Tallies:
    """What the tallies say below a campaign, by child campaign ("branch"), chain and period
    number: counted live, or read from the campaign's snapshot (`as_of`)."""

    rates: list[tuple[int, int, int, int, int, int]]  # branch, chain, number, e, r, t
    units: dict[int, int]  # branch: units reporting at the bottom
    figures: list[tuple[int | None, int, int, str, Decimal]]  # branch (None: own), ...
    as_of: datetime | None = None

    def as_json(self) -> dict:
        return {
            "rates": self.rates,
            "units": list(self.units.items()),
            "figures": [[*f[:4], str(f[4])] for f in self.figures],
        }

    @classmethod
    def from_json(cls, data: dict, as_of: datetime) -> "Tallies":
        return cls(
            [tuple(r) for r in data["rates"]],
            dict(data["units"]),
            [(*f[:4], Decimal(f[4])) for f in data["figures"]],
            as_of,
        )


def count_tallies(campaign: Campaign, now: datetime) -> Tallies:
    """Three grouped queries over the campaign's lineage range, whatever the tree's size."""
    due = Q(due_at__lte=now)
    rates, units = [], defaultdict(int)
    for branch, chain, number, n, expected, reported, timely in (
        below(campaign)
        .values("chain_id", "number", branch=branch_of(campaign))
        .annotate(
            n=Sum("units"),
            expected=Sum("expected", filter=due, default=0),
            reported=Sum("reported", filter=due, default=0),
            timely=Sum("timely", filter=due, default=0),
        )
        .values_list("branch", "chain_id", "number", "n", "expected", "reported", "timely")
        .order_by()
    ):
        rates.append((branch, chain, number, expected, reported, timely))
        units[branch] = max(units[branch], n)  # every period of a branch has the same units
    figures = list(
        below(campaign, FigureTally)
        .values("chain_id", "number", "metric", branch=branch_of(campaign))
        .annotate(value=Sum("value"))
        .values_list("branch", "chain_id", "number", "metric", "value")
        .order_by()
    )
    figures += [
        (None, *row)
        for row in FigureTally.objects.filter(lineage=campaign.lineage)
        .values("chain_id", "number", "metric")
        .annotate(value=Sum("value"))
        .values_list("chain_id", "number", "metric", "value")
        .order_by()
    ]
    return Tallies(rates, dict(units), figures)


def tallies_for(campaign: Campaign, now: datetime) -> Tallies:
    """The campaign's snapshot while fresh (kept for the largest trees by a background
    task, decision 0010), else counted live."""
    fresh = now - timedelta(seconds=settings.ROLLUP_SNAPSHOT_MAX_AGE)
    snapshot = RollupSnapshot.objects.filter(campaign=campaign, as_of__gte=fresh).first()
    if snapshot is not None:
        return Tallies.from_json(snapshot.data, snapshot.as_of)
    return count_tallies(campaign, now)


def snapshot_campaigns() -> QuerySet:
    """Campaigns at the top two levels of a tree with ROLLUP_SNAPSHOT_FROM tallies or more
    in and below them."""
    large = []
    for depth in (1, 2):
        large += (
            PeriodTally.objects.values(prefix=Substr("lineage", 1, depth * (LINEAGE_WIDTH + 1)))
            .annotate(n=Count("pk"))
            .filter(n__gte=settings.ROLLUP_SNAPSHOT_FROM)
            .values_list("prefix", flat=True)
            .order_by()
        )
    return Campaign.objects.filter(lineage__in=large, archived=False)


def refresh_snapshots(now: datetime | None = None) -> int:
    """Count the largest campaigns' tallies afresh into their snapshots; drop the others."""
    now = now or timezone.now()
    campaigns = list(snapshot_campaigns())
    for campaign in campaigns:
        RollupSnapshot.objects.update_or_create(
            campaign=campaign,
            defaults={"as_of": now, "data": count_tallies(campaign, now).as_json()},
        )
    RollupSnapshot.objects.exclude(campaign__in=campaigns).delete()
    return len(campaigns)


def _branch_rates(tallies: Tallies, periods: list[Period]) -> dict[int, list[Rate]]:
    """{child campaign id: a Rate per period}."""
    where = columns(periods)
    rates: dict[int, list[Rate]] = defaultdict(lambda: [Rate() for _ in periods])
    for branch, chain, number, expected, reported, timely in tallies.rates:
        if (chain, number) in where:
            rates[branch][where[chain, number]].include(Rate(expected, reported, timely))
    return rates


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
    tallies = tallies_for(campaign, now)
    below_rates, units = _branch_rates(tallies, periods), tallies.units
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
    return Rollup(periods, rows, period_rates, overall, tallies)


@dataclass
class Figures:
    """Figures of every unit reporting in and below a campaign (decision 0010): totals per
    metric (see FigureTally), per period of the campaign, and per child campaign."""

    totals: dict[str, Decimal]
    by_period: dict[str, list[Decimal]]
    by_child: dict[int, dict[str, Decimal]]


def build_figures(rollup: Rollup) -> Figures:
    where = columns(rollup.periods)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    by_period: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0) for _ in rollup.periods])
    by_child: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for branch, chain, number, metric, value in rollup.tallies.figures:
        totals[metric] += value
        if (chain, number) in where:
            by_period[metric][where[chain, number]] += value
        if branch is not None:
            by_child[branch][metric] += value
    return Figures(dict(totals), dict(by_period), {b: dict(m) for b, m in by_child.items()})


def own_units(campaign: Campaign, rows: list[RollupRow]) -> tuple[dict, dict]:
    """For the participants that report themselves: ({participant id: {metric: value}}, in
    FigureTally's metrics, from their latest versions; {participant id: latest report id})."""
    direct = [r.participant.pk for r in rows if r.child is None]
    reports = Submission.objects.filter(
        participant__in=direct, requirement__campaign=campaign
    ).exclude(state=State.DRAFT)
    latest_report = dict(
        reports.values("participant_id")
        .annotate(latest=Max("id"))
        .values_list("participant_id", "latest")
    )
    versions = latest_versions(campaign).filter(submission__participant__in=direct).values("id")
    unit = "version__submission__participant_id"
    figures: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pk, n, people in (
        ActivityRecord.objects.filter(version__in=versions)
        .values(unit)
        .annotate(n=Count("pk"), people=Sum("people_reached"))
        .values_list(unit, "n", "people")
    ):
        figures[pk].update(a=Decimal(n), p=Decimal(people))
    for pk, indicator, total in (
        IndicatorValue.objects.filter(
            version__in=versions, version__submission__state=State.ACCEPTED
        )
        .values(unit, "indicator_id")
        .annotate(total=Sum("value"))
        .values_list(unit, "indicator_id", "total")
    ):
        figures[pk][f"i:{indicator}"] = total
    return figures, latest_report


@dataclass
class Statistics:
    """Activities, people reached and indicator totals per row of a roll-up."""

    indicators: list[Indicator]  # those with figures
    rows: list[tuple[RollupRow, list[Decimal]]]  # activities, people, each indicator
    latest_report: dict[int, int]  # participant id: its latest report


def rollup_statistics(campaign: Campaign, rollup: Rollup, figures: Figures) -> Statistics:
    own, latest_report = own_units(campaign, rollup.rows)
    indicators = {
        f"i:{i.pk}": i
        for i in Indicator.objects.filter(
            pk__in=[int(m[2:]) for m in figures.totals if m.startswith("i:")]
        )
    }

    def row_figure(row: RollupRow, metric: str) -> Decimal:
        if row.child is None:
            return own.get(row.participant.pk, {}).get(metric, Decimal(0))
        return figures.by_child.get(row.child.pk, {}).get(metric, Decimal(0))

    rows = [(row, [row_figure(row, m) for m in ("a", "p", *indicators)]) for row in rollup.rows]
    return Statistics(list(indicators.values()), rows, latest_report)
