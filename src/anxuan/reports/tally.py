"""Maintained roll-up tallies (decision 0010): per period of every campaign, the counts and
figures of the participants that report themselves, so a province or the nation adds up a
few thousand rows instead of every submission below it.

A tally is never adjusted by a delta: `refresh` recounts its periods from the submissions,
holding the periods' rows locked so two submits in one period recount one after the other.
The report services refresh a period on every submit and accept (a return changes no
tally); the campaign services signal changes to participants, periods and linked campaigns
(campaigns.signals); `anxuan rollup --rebuild` recounts everything in the same queries.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Least

from anxuan.campaigns.deadlines import due_day_of
from anxuan.campaigns.models import Campaign, Participant, Period, Requirement
from anxuan.reports.enums import State, Timeliness
from anxuan.reports.models import (
    ActivityRecord,
    FigureTally,
    IndicatorValue,
    PeriodTally,
    Submission,
    SubmissionVersion,
)


def reports_itself(prefix: str = "") -> Exists:
    """Negate it (~) to keep participants that report themselves: those that do not run a
    linked campaign under theirs (they are counted through their own units)."""
    return Exists(
        Campaign.objects.filter(
            parent=OuterRef(f"{prefix}campaign"),
            owner=OuterRef(f"{prefix}organization"),
            archived=False,
        )
    )


def chain_tops(requirement_ids: Iterable[int]) -> dict[int, int]:
    """{requirement id: the top of its inherited chain}, one query per level above."""
    parent: dict[int, int | None] = {}
    frontier = set(requirement_ids)
    while frontier:
        found = dict(
            Requirement.objects.filter(pk__in=frontier).values_list("pk", "inherited_from_id")
        )
        parent.update(found)
        frontier = {up for up in found.values() if up is not None and up not in parent}
    tops = {}
    for pk in requirement_ids:
        at = pk
        while parent.get(at) is not None:
            at = parent[at]
        tops[pk] = at
    return tops


def _counts(period_ids: QuerySet) -> list[PeriodTally]:
    mine = Participant.objects.filter(campaign=OuterRef("requirement__campaign")).filter(
        ~reports_itself()
    )

    def count(participants: QuerySet) -> Coalesce:
        counted = participants.order_by().values("campaign").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted), 0)

    periods = (
        Period.objects.filter(pk__in=period_ids)
        .annotate(due_day=due_day_of("due_at"))
        .annotate(
            units=count(mine), expected=count(mine.filter(joined_on__lte=OuterRef("due_day")))
        )
    )
    reported: dict[int, tuple[int, int, int]] = {}
    for pk, n, timely, accepted in (
        Submission.objects.filter(period__in=period_ids)
        .exclude(state=State.DRAFT)
        .filter(~reports_itself("participant__"))
        .filter(participant__joined_on__lte=due_day_of("period__due_at"))
        .values("period_id")
        .annotate(
            n=Count("pk"),
            timely=Count("pk", filter=Q(timeliness=Timeliness.ON_TIME)),
            accepted=Count("pk", filter=Q(state=State.ACCEPTED)),
        )
        .values_list("period_id", "n", "timely", "accepted")
    ):
        reported[pk] = (n, timely, accepted)
    rows = list(
        periods.values_list(
            "pk",
            "requirement_id",
            "requirement__campaign_id",
            "requirement__campaign__lineage",
            "number",
            "due_at",
            "units",
            "expected",
        )
    )
    tops = chain_tops({row[1] for row in rows})
    return [
        PeriodTally(
            period_id=pk,
            campaign_id=campaign,
            lineage=lineage,
            chain_id=tops[requirement],
            number=number,
            due_at=due_at,
            units=units,
            expected=expected,
            reported=reported.get(pk, (0, 0, 0))[0],
            timely=reported.get(pk, (0, 0, 0))[1],
            accepted=reported.get(pk, (0, 0, 0))[2],
        )
        for pk, requirement, campaign, lineage, number, due_at, units, expected in rows
    ]


# The most one activity counts towards a sum of people reached: what PostgreSQL's column
# holds. SQLite's holds any 64-bit integer and its SUM stops with "integer overflow" past
# 2**63, so an older row beyond it (never through the services, which allow
# drafts.MAX_PEOPLE) counts as this much: no sum overflows, on either database.
PEOPLE_COUNTED_AT_MOST = 2**31 - 1


def sum_people() -> Sum:
    """The sum of people reached, every activity counted at most PEOPLE_COUNTED_AT_MOST."""
    return Sum(Least("people_reached", Value(PEOPLE_COUNTED_AT_MOST)))


def latest_of(model: type, period_ids: QuerySet) -> QuerySet:
    """Rows of `model` (hanging off a version) in the latest version of each submitted
    report of these periods, from units that report themselves. "No later version exists"
    rather than a grouped max: an anti-join the planner runs in one pass."""
    later = SubmissionVersion.objects.filter(
        submission=OuterRef("version__submission"), pk__gt=OuterRef("version_id")
    )
    return (
        model.objects.filter(version__submission__period__in=period_ids)
        .exclude(version__submission__state=State.DRAFT)
        .filter(~reports_itself("version__submission__participant__"), ~Exists(later))
    )


def _figures(period_ids: QuerySet, tallies: list[PeriodTally]) -> list[FigureTally]:
    period = "version__submission__period_id"
    activities = latest_of(ActivityRecord, period_ids)
    found: list[tuple[int, str, Decimal]] = []
    for pk, n, people in (
        activities.values(period)
        .annotate(n=Count("pk"), people=sum_people())
        .values_list(period, "n", "people")
    ):
        found += [(pk, "a", n), (pk, "p", people)]
    for prefix, field in (("t:", "activity_type"), ("d:", "domain")):
        found += (
            activities.exclude(**{field: ""})
            .values(period)
            .annotate(metric=Concat(Value(prefix), field), n=Count("pk"))
            .values_list(period, "metric", "n")
        )
    found += (
        latest_of(IndicatorValue, period_ids)
        .filter(version__submission__state=State.ACCEPTED)
        .values(period)
        .annotate(
            metric=Concat(Value("i:"), Cast("indicator_id", output_field=CharField())),
            total=Sum("value"),
        )
        .values_list(period, "metric", "total")
    )
    by_period = {t.period_id: t for t in tallies}
    return [
        FigureTally(
            period_id=pk,
            lineage=by_period[pk].lineage,
            chain_id=by_period[pk].chain_id,
            number=by_period[pk].number,
            metric=metric,
            value=value,
        )
        for pk, metric, value in found
        if value
    ]


@transaction.atomic
def refresh(periods: QuerySet) -> int:
    """Recount the tallies of these periods; returns how many periods were recounted."""
    locked = list(periods.select_for_update().order_by("pk").values_list("pk", flat=True))
    tallies = _counts(periods)
    figures = _figures(periods, tallies)
    PeriodTally.objects.filter(period__in=periods).delete()
    FigureTally.objects.filter(period__in=periods).delete()
    PeriodTally.objects.bulk_create(tallies, batch_size=5000)
    FigureTally.objects.bulk_create(figures, batch_size=5000)
    return len(locked)


def refresh_campaigns(campaign_ids: Iterable[int]) -> int:
    return refresh(Period.objects.filter(requirement__campaign__in=list(campaign_ids)))


def refresh_submission(submission: Submission) -> None:
    refresh(Period.objects.filter(pk=submission.period_id))


def rebuild() -> int:
    """Recount every tally (after a bulk load, or to check nothing drifted)."""
    return refresh(Period.objects.all())


def on_expectations_changed(sender, campaign_ids: Iterable[int], **kwargs) -> None:
    refresh_campaigns(campaign_ids)
