"""The progress statistics table (附件2): a row per participant, a column per indicator of
the campaign, from the figures selector (a participant running its own linked campaign
stands for every unit reporting below it)."""

from dataclasses import dataclass
from decimal import Decimal

from anxuan.campaigns.models import Campaign, Indicator, Participant
from anxuan.rollup.figures import Basis, CampaignFigures, campaign_figures


@dataclass
class Table:
    indicators: list[Indicator]
    rows: list[tuple[Participant, list[Decimal]]]
    totals: list[Decimal]


def table_of(figures: CampaignFigures) -> Table:
    indicators = figures.indicators
    return Table(
        indicators,
        [(row.participant, values) for row, values in figures.table(indicators)],
        figures.indicator_totals(indicators),
    )


def statistics_table(campaign: Campaign, *, basis: Basis) -> Table:
    return table_of(campaign_figures(campaign, basis=basis))
