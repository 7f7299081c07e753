"""The progress statistics table (附件2): one row per unit, one column per indicator."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from anxuan.campaigns.enums import Aggregation
from anxuan.campaigns.models import Campaign, Indicator, Participant
from anxuan.reports.enums import State
from anxuan.reports.models import IndicatorValue, Submission, SubmissionVersion

COUNTED = {
    "accepted": [State.ACCEPTED],
    "submitted": [State.SUBMITTED, State.RESUBMITTED, State.ACCEPTED],
}


@dataclass
class Table:
    indicators: list[Indicator]
    rows: list[tuple[Participant, list[Decimal]]]
    totals: list[Decimal]


def statistics_table(campaign: Campaign, participants: list[Participant], *, basis: str) -> Table:
    """Values from the latest version of each counted submission, combined per unit by the
    indicator's aggregation (sum, maximum or latest); the totals row adds the units up."""
    indicators = list(campaign.indicators.order_by("campaignindicator__order"))
    submissions = Submission.objects.filter(
        participant__in=participants, state__in=COUNTED[basis], requirement__campaign=campaign
    )
    latest = (
        SubmissionVersion.objects.filter(submission__in=submissions)
        .values("submission_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    combined: dict[tuple[int, int], tuple[Decimal, object]] = {}
    by_id = {i.pk: i for i in indicators}
    for participant_id, indicator_id, value, at in IndicatorValue.objects.filter(
        version_id__in=latest, indicator_id__in=by_id
    ).values_list(
        "version__submission__participant_id", "indicator_id", "value", "version__submitted_at"
    ):
        key = (participant_id, indicator_id)
        if key not in combined:
            combined[key] = (value, at)
            continue
        current, current_at = combined[key]
        how = by_id[indicator_id].aggregation
        if how == Aggregation.SUM:
            combined[key] = (current + value, max(current_at, at))
        elif how == Aggregation.MAX:
            combined[key] = (max(current, value), max(current_at, at))
        elif at > current_at:
            combined[key] = (value, at)
    rows = [
        (p, [combined.get((p.pk, i.pk), (Decimal(0), None))[0] for i in indicators])
        for p in participants
    ]
    totals = [sum((row[1][k] for row in rows), Decimal(0)) for k in range(len(indicators))]
    return Table(indicators, rows, totals)
