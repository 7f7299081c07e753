"""What the maintained tallies say below a campaign (decision 0010): everything below one
campaign is one prefix range of the lineage index, grouped by the child campaign each tally
counts towards; the largest trees are read from a snapshot the worker refreshes. A child's
period counts towards the parent's period it was inherited from (same requirement chain,
same number), so the county's earlier Thursday deadline still adds up into the city's
week 1. The figures selector (rollup.figures) reads these."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from anxuan.campaigns.models import LINEAGE_WIDTH, Campaign, Period
from anxuan.reports.models import FigureTally, PeriodTally
from anxuan.reports.tally import chain_tops
from anxuan.rollup.models import RollupSnapshot


def below(
    campaign: Campaign, model: type[PeriodTally | FigureTally] = PeriodTally, *, own: bool = False
) -> QuerySet[Any]:
    """The tallies of every campaign below this one (and its own with `own`), archived
    branches left out: one prefix range of the lineage index."""
    tallies: QuerySet[Any] = model.objects.filter(lineage__startswith=campaign.lineage)
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

    rates: list[tuple[int, int, int, int, int, int, int]]  # branch, chain, number, e, r, t, a
    units: dict[int, int]  # branch: units reporting at the bottom
    figures: list[tuple[int | None, int, int, str, Decimal]]  # branch (None: own), ...
    as_of: datetime | None = None

    FORMAT = 2  # snapshots of an older shape (rates without "accepted") are not read

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.FORMAT,
            "rates": self.rates,
            "units": list(self.units.items()),
            "figures": [[*f[:4], str(f[4])] for f in self.figures],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], as_of: datetime) -> "Tallies":
        return cls(
            [tuple(r) for r in data["rates"]],
            dict(data["units"]),
            [(*f[:4], Decimal(f[4])) for f in data["figures"]],
            as_of,
        )


def count_tallies(campaign: Campaign, now: datetime) -> Tallies:
    """Three grouped queries over the campaign's lineage range, whatever the tree's size."""
    due = Q(due_at__lte=now)
    rates: list[tuple[int, int, int, int, int, int, int]] = []
    units: dict[int, int] = defaultdict(int)
    for branch, chain, number, n, expected, reported, timely, accepted in (
        below(campaign)
        .values("chain_id", "number", branch=branch_of(campaign))
        .annotate(
            n=Sum("units"),
            expected=Sum("expected", filter=due, default=0),
            reported=Sum("reported", filter=due, default=0),
            timely=Sum("timely", filter=due, default=0),
            accepted=Sum("accepted", filter=due, default=0),
        )
        .values_list(
            "branch", "chain_id", "number", "n", "expected", "reported", "timely", "accepted"
        )
        .order_by()
    ):
        rates.append((branch, chain, number, expected, reported, timely, accepted))
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
    if snapshot is not None and snapshot.data.get("format") == Tallies.FORMAT:
        return Tallies.from_json(snapshot.data, snapshot.as_of)
    return count_tallies(campaign, now)


def snapshot_campaigns() -> QuerySet[Campaign]:
    """Campaigns at the top two levels of a tree with ROLLUP_SNAPSHOT_FROM tallies or more
    in and below them."""
    large: list[str] = []
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
