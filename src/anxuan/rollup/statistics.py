"""The progress statistics table (附件2): a row per participant, a column per indicator of
the campaign in the office's order, from the figures selector (a participant running its
own linked campaign stands for every unit reporting below it). A row that sent no figures
has None for every value (未报送), never 0."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from anxuan.campaigns.models import Campaign, Indicator, Participant
from anxuan.reports.enums import AWAITING_REVIEW
from anxuan.reports.models import Submission
from anxuan.rollup.figures import Basis, CampaignFigures, campaign_figures


@dataclass
class Row:
    participant: Participant
    values: list[Decimal | None]  # None throughout: the unit sent no figures (未报送)
    reported: bool


@dataclass
class Table:
    indicators: list[Indicator]
    rows: list[Row]
    totals: list[Decimal]

    @property
    def not_reported(self) -> list[Participant]:
        """The units that sent no figures, for the line under the totals."""
        return [row.participant for row in self.rows if not row.reported]


def table_of(figures: CampaignFigures) -> Table:
    indicators = figures.indicators
    return Table(
        indicators,
        [
            Row(row.participant, values, row.reported_figures)
            for row, values in figures.table(indicators)
        ],
        figures.indicator_totals(indicators),
    )


def statistics_table(campaign: Campaign, *, basis: Basis) -> Table:
    return table_of(campaign_figures(campaign, basis=basis))


@dataclass
class Waiting:
    """Reports with figures that wait for review (submitted or resubmitted, neither accepted
    nor returned): in the campaign itself, where `requirement` is the one requirement they
    belong to (for the review list's filter), and in the campaigns below it."""

    own: int
    requirement: int | None
    below: int


def waiting_for_review(campaign: Campaign) -> Waiting:
    """What the accepted basis leaves out until the office reviews it, in one query."""
    own, below, requirements = 0, 0, set()
    for campaign_id, requirement_id, n in (
        Submission.objects.filter(
            state__in=AWAITING_REVIEW,
            period__requirement__campaign__lineage__startswith=campaign.lineage,
            period__requirement__campaign__archived=False,
            period__requirement__indicators__isnull=False,
        )
        .values("period__requirement__campaign_id", "period__requirement_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("period__requirement__campaign_id", "period__requirement_id", "n")
        .order_by()
    ):
        if campaign_id == campaign.pk:
            own += n
            requirements.add(requirement_id)
        else:
            below += n
    return Waiting(own, requirements.pop() if len(requirements) == 1 else None, below)
