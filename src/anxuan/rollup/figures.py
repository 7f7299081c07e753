"""THE figures selector (decision 0011): every number a page, an export or the API shows
about a campaign's reporting comes from `campaign_figures`, so that a figure means the same
everywhere.

A row per participant of the campaign. A participant that runs its own linked campaign
under this one stands for every unit reporting in and below it (counted from the maintained
tallies, or the snapshot of the largest trees: reports.tally, rollup.rollups); a participant
without one stands for itself (counted from its submissions, as on the board). Per row:

- per period and overall: expected, reported, on time (late and missing follow);
- "a" activities and "p" people reached, "t:<type>" and "d:<domain>" activities by type and
  by 七进 domain: from the latest version of every submitted report in a period;
- "i:<indicator id>" indicator totals, from the latest version of each counted report
  (accepted only, or every submitted one: the basis), combined per unit by the indicator's
  aggregation (sum, maximum, or the latest value), then added up over units.

A row has figures ("reported_figures") when the latest version of at least one counted
report carries an indicator value, 0 included; a row standing for a linked campaign has
them when any unit reporting in or below it has. A row without reads 未报送 (not 0) in
every indicator column of every page, export and API answer; its activities still count.

Ad-hoc items ("any time" requirements) are news of what was done, not a tally of it, so
they count in none of these: the weekly and once-only reports carry the activities.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from anxuan.campaigns.enums import Aggregation
from anxuan.campaigns.models import LINEAGE_WIDTH, Campaign, Indicator, Participant, Period
from anxuan.campaigns.selectors import participants_of
from anxuan.reports.enums import State
from anxuan.reports.models import ActivityRecord, IndicatorValue, Submission
from anxuan.reports.tally import latest_of, sum_people
from anxuan.rollup.board import Rate, board_periods, cell_for
from anxuan.rollup.rollups import Tallies, columns, tallies_for

Basis = Literal["accepted", "submitted"]
COUNTED: dict[str, list[str]] = {
    "accepted": [State.ACCEPTED],
    "submitted": [State.SUBMITTED, State.RESUBMITTED, State.ACCEPTED],
}
ACTIVITIES, PEOPLE = "a", "p"

Metrics = dict[str, Decimal]


@dataclass
class FigureRow:
    participant: Participant
    child: Campaign | None  # the linked campaign it runs under this one, if any
    units: int  # units reporting at the bottom that it stands for
    rates: list[Rate]  # one per period of the campaign
    rate: Rate = field(default_factory=Rate)
    metrics: Metrics = field(default_factory=dict)
    latest_report: int | None = None  # its latest submitted report, when it reports itself
    reported_figures: bool = False  # a counted report (below it) carries indicator values

    def value(self, metric: str) -> Decimal:
        return self.metrics.get(metric, Decimal(0))

    def indicator_values(self, indicators: list[Indicator]) -> list[Decimal | None]:
        """Its figure per indicator; None throughout when it sent none (未报送)."""
        if not self.reported_figures:
            return [None for _ in indicators]
        return [self.value(f"i:{i.pk}") for i in indicators]


@dataclass
class CampaignFigures:
    campaign: Campaign
    basis: Basis
    periods: list[Period]
    rows: list[FigureRow]
    period_rates: list[Rate]
    overall: Rate
    totals: Metrics  # the rows added up
    by_period: dict[str, list[Decimal]]  # metric: a value per period (accepted basis)
    indicators: list[Indicator]  # the campaign's statistics table columns, in order
    as_of: datetime | None  # the snapshot's time, when read from one

    @property
    def units(self) -> int:
        return sum(r.units for r in self.rows)

    def total(self, metric: str) -> Decimal:
        return self.totals.get(metric, Decimal(0))

    def counts(self, prefix: str) -> list[tuple[str, Decimal]]:
        """("t:" activity types or "d:" domains) as (name, activities), most first."""
        found = [(m[len(prefix) :], v) for m, v in self.totals.items() if m.startswith(prefix)]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))

    def indicators_with_figures(self) -> list[Indicator]:
        """Indicators any row has a figure for (children may collect more than the campaign's
        own columns), the campaign's own first."""
        ids = {int(m[2:]) for m, v in self.totals.items() if m.startswith("i:") and v}
        own = [i for i in self.indicators if i.pk in ids]
        more = Indicator.objects.filter(pk__in=ids - {i.pk for i in own}).order_by("name")
        return [*own, *more]

    @property
    def not_reported(self) -> list[FigureRow]:
        """Rows that sent no figures on this basis (未报送)."""
        return [row for row in self.rows if not row.reported_figures]

    def table(self, indicators: list[Indicator]) -> list[tuple[FigureRow, list[Decimal | None]]]:
        return [(row, row.indicator_values(indicators)) for row in self.rows]

    def indicator_totals(self, indicators: list[Indicator]) -> list[Decimal]:
        return [self.total(f"i:{i.pk}") for i in indicators]


def campaign_figures(
    campaign: Campaign, *, basis: Basis = "accepted", now: datetime | None = None
) -> CampaignFigures:
    """The campaign's figures, a row per participant (see the module's docstring)."""
    now = now or timezone.now()
    periods = board_periods(campaign)
    children = {
        c.owner_id: c
        for c in Campaign.objects.filter(parent=campaign, archived=False).select_related("owner")
    }
    participants = list(participants_of(campaign).order_by("organization__path"))
    direct = [p for p in participants if p.organization_id not in children]
    tallies = tallies_for(campaign, now)
    rows = [
        FigureRow(p, children.get(p.organization_id), 0, [Rate() for _ in periods])
        for p in participants
    ]
    where = columns(periods)
    _count_rates(rows, direct, periods, where, tallies, now)
    aggregation = dict(Indicator.objects.values_list("pk", "aggregation"))
    own, own_figures = _own_metrics(campaign, direct, basis, aggregation)
    below = _branch_metrics(campaign, list(children.values()), tallies, basis, aggregation)
    below_figures = _branches_with_figures(campaign, list(children.values()), below, basis)
    latest = _latest_reports(campaign, direct)
    period_rates, overall = [Rate() for _ in periods], Rate()
    totals: Metrics = defaultdict(Decimal)
    for row in rows:
        if row.child is None:
            row.metrics = own.get(row.participant.pk, {})
            row.latest_report = latest.get(row.participant.pk)
            row.reported_figures = row.participant.pk in own_figures
        else:
            row.metrics = below.get(row.child.pk, {})
            row.reported_figures = row.child.pk in below_figures
        for i, rate in enumerate(row.rates):
            for total in (row.rate, period_rates[i], overall):
                total.include(rate)
        for metric, value in row.metrics.items():
            totals[metric] += value
    return CampaignFigures(
        campaign=campaign,
        basis=basis,
        periods=periods,
        rows=rows,
        period_rates=period_rates,
        overall=overall,
        totals=dict(totals),
        by_period=_by_period(tallies, where, len(periods)),
        indicators=list(campaign.indicators.order_by("campaignindicator__order")),
        as_of=tallies.as_of,
    )


def _count_rates(
    rows: list[FigureRow],
    direct: list[Participant],
    periods: list[Period],
    where: dict[tuple[int, int], int],
    tallies: Tallies,
    now: datetime,
) -> None:
    """Each row's rate per period: its own cells, or its branch's tallies."""
    below: dict[int, list[Rate]] = defaultdict(lambda: [Rate() for _ in periods])
    for branch, chain, number, *counts in tallies.rates:
        if (chain, number) in where:
            below[branch][where[chain, number]].include(Rate(*counts))
    own = {
        (s.participant_id, s.period_id): s
        for s in Submission.objects.filter(participant__in=direct, period__in=periods).only(
            "participant_id", "period_id", "state", "timeliness"
        )
    }
    for row in rows:
        if row.child is None:
            row.units = 1
            for i, period in enumerate(periods):
                cell = cell_for(
                    row.participant, period, own.get((row.participant.pk, period.pk)), now
                )
                row.rates[i].add(cell)
        else:
            row.units = tallies.units.get(row.child.pk, 0)
            row.rates = below[row.child.pk]


def _activity_metrics(activities: QuerySet[ActivityRecord], key: str) -> dict[int, Metrics]:
    """{key: activity metrics} over these activities (of latest versions)."""
    found: dict[int, Metrics] = defaultdict(dict)
    for k, n, people in (
        activities.values(key)
        .annotate(n=Count("pk"), people=sum_people())
        .values_list(key, "n", "people")
        .order_by()
    ):
        found[k].update({ACTIVITIES: Decimal(n), PEOPLE: Decimal(people or 0)})
    for prefix, name in (("t:", "activity_type"), ("d:", "domain")):
        for k, value, n in (
            activities.exclude(**{name: ""})
            .values(key, name)
            .annotate(n=Count("pk"))
            .values_list(key, name, "n")
            .order_by()
        ):
            found[k][f"{prefix}{value}"] = Decimal(n)
    return found


def combine(
    values: Iterable[tuple[int, int, Decimal, datetime]], aggregation: dict[int, str]
) -> dict[int, Metrics]:
    """(participant id, indicator id, value, submitted at) of each counted report's latest
    version, combined per unit by each indicator's aggregation."""
    combined: dict[tuple[int, int], tuple[Decimal, datetime]] = {}
    for participant_id, indicator_id, value, at in values:
        key = (participant_id, indicator_id)
        if key not in combined:
            combined[key] = (value, at)
            continue
        current, current_at = combined[key]
        how = aggregation[indicator_id]
        if how == Aggregation.SUM:
            combined[key] = (current + value, max(current_at, at))
        elif how == Aggregation.MAX:
            combined[key] = (max(current, value), max(current_at, at))
        elif at > current_at:
            combined[key] = (value, at)
    per_unit: dict[int, Metrics] = defaultdict(dict)
    for (participant_id, indicator_id), (value, _at) in combined.items():
        per_unit[participant_id][f"i:{indicator_id}"] = value
    return per_unit


def _indicator_values(periods: QuerySet[Period], basis: Basis) -> QuerySet[IndicatorValue]:
    """Values in the latest version of each counted report in these periods."""
    return latest_of(IndicatorValue, periods).filter(version__submission__state__in=COUNTED[basis])


def _own_metrics(
    campaign: Campaign, direct: list[Participant], basis: Basis, aggregation: dict[int, str]
) -> tuple[dict[int, Metrics], set[int]]:
    """{participant id: metrics} of the participants that report themselves, and the ids of
    those with indicator values in a counted report."""
    if not direct:  # a nation or province of linked campaigns only: nothing to build
        return {}, set()
    periods = Period.objects.filter(requirement__campaign=campaign)
    unit = "version__submission__participant_id"
    mine = {f"{unit}__in": [p.pk for p in direct]}
    found = _activity_metrics(latest_of(ActivityRecord, periods).filter(**mine), unit)
    values = _indicator_values(periods, basis).filter(**mine)
    combined = combine(
        values.values_list(unit, "indicator_id", "value", "version__submitted_at"), aggregation
    )
    for pk, metrics in combined.items():
        found[pk].update(metrics)
    return found, set(combined)


def _branch_metrics(
    campaign: Campaign,
    children: list[Campaign],
    tallies: Tallies,
    basis: Basis,
    aggregation: dict[int, str],
) -> dict[int, Metrics]:
    """{child campaign id: metrics of every unit reporting in and below it}: the tallies'
    sums where they are exact (activities; indicators that add up, on the accepted basis),
    else each unit combined by its indicator's aggregation, then added up."""
    summed = {pk for pk, how in aggregation.items() if how == Aggregation.SUM}

    def from_tallies(metric: str) -> bool:
        if not metric.startswith("i:"):
            return True
        return basis == "accepted" and int(metric[2:]) in summed

    found: dict[int, Metrics] = defaultdict(lambda: defaultdict(Decimal))
    for branch, _chain, _number, metric, value in tallies.figures:
        if branch is not None and from_tallies(metric):
            found[branch][metric] += value
    live = {pk for pk in aggregation if not from_tallies(f"i:{pk}")}
    if children and live:
        start = len(campaign.lineage)
        unit = "version__submission__participant_id"
        lineage = "version__submission__period__requirement__campaign__lineage"
        values = _indicator_values(_periods_below(campaign), basis).filter(indicator_id__in=live)
        branch_of = dict(values.values_list(unit, lineage).distinct().order_by())
        for pk, metrics in combine(
            values.values_list(unit, "indicator_id", "value", "version__submitted_at"),
            aggregation,
        ).items():
            branch = int(branch_of[pk][start : start + LINEAGE_WIDTH])
            for metric, value in metrics.items():
                found[branch][metric] += value
    return {b: dict(m) for b, m in found.items()}


def _branches_with_figures(
    campaign: Campaign, children: list[Campaign], below: dict[int, Metrics], basis: Basis
) -> set[int]:
    """Ids of the child campaigns with a unit that sent figures. A branch with an indicator
    metric has (the live values keep 0s); the tallies keep no 0 sums, so the others are
    asked in one query, an EXISTS per branch that stops at its first value."""
    found = {pk for pk, metrics in below.items() if any(m.startswith("i:") for m in metrics)}
    unsure = [c.pk for c in children if c.pk not in found]
    if unsure:
        lineage = "version__submission__period__requirement__campaign__lineage"
        values = _indicator_values(_periods_below(campaign), basis).filter(
            **{f"{lineage}__startswith": OuterRef("lineage")}
        )
        found |= set(
            Campaign.objects.filter(pk__in=unsure)
            .filter(Exists(values))
            .values_list("pk", flat=True)
        )
    return found


def _periods_below(campaign: Campaign) -> QuerySet[Period]:
    """Periods of every campaign below this one, archived branches left out."""
    periods = Period.objects.filter(
        requirement__campaign__lineage__startswith=campaign.lineage
    ).exclude(requirement__campaign=campaign)
    for lineage in Campaign.objects.filter(
        lineage__startswith=campaign.lineage, archived=True
    ).values_list("lineage", flat=True):
        periods = periods.exclude(requirement__campaign__lineage__startswith=lineage)
    return periods


def _latest_reports(campaign: Campaign, direct: list[Participant]) -> dict[int, int]:
    """{participant id: its latest submitted report} for the links of the charts."""
    if not direct:
        return {}
    return dict(
        Submission.objects.filter(participant__in=direct, requirement__campaign=campaign)
        .exclude(state=State.DRAFT)
        .values("participant_id")
        .annotate(latest=Max("id"))
        .values_list("participant_id", "latest")
        .order_by()
    )


def _by_period(
    tallies: Tallies, where: dict[tuple[int, int], int], n: int
) -> dict[str, list[Decimal]]:
    """Metrics per period of the campaign, in and below it (the tallies' accepted basis);
    `where` places a (chain, number) among the campaign's `n` periods."""
    by_period: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * n)
    for _branch, chain, number, metric, value in tallies.figures:
        if (chain, number) in where:
            by_period[metric][where[chain, number]] += value
    return dict(by_period)


__all__ = ["ACTIVITIES", "PEOPLE", "Basis", "CampaignFigures", "FigureRow", "campaign_figures"]
