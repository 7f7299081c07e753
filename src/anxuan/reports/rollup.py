"""Roll-ups up the campaign tree ("全国统一、上下联动"): completeness and timeliness of
everyone who reports below a campaign, per period of that campaign and overall.

A campaign's participant that runs its own linked campaign under it (a county under the
city) stands for every unit reporting in that campaign, and in the campaigns under it in
turn; a participant without one stands for itself. A child's period counts towards the
parent's period it was inherited from (same requirement chain, same number), so the
county's earlier Thursday deadline still adds up into the city's week 1.

Computed at query time in a fixed number of queries per level of the tree (the scale
design for a province or the nation is issue 5's next step: see docs/decisions).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anxuan.campaigns.models import Campaign, Participant, Period, Requirement
from anxuan.reports.board import Rate, board_periods, cell_for
from anxuan.reports.enums import State, Timeliness
from anxuan.reports.models import Submission


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


def _tree(campaign: Campaign) -> dict[int, int]:
    """{campaign id: id of the top campaign's child it sits under (itself for the children)}
    for every linked campaign below `campaign`, level by level."""
    branch: dict[int, int] = {}
    frontier = {campaign.pk: None}
    while frontier:
        found = Campaign.objects.filter(parent__in=frontier, archived=False).values_list(
            "pk", "parent_id"
        )
        frontier = {}
        for pk, parent in found:
            branch[pk] = branch.get(parent, pk) if parent != campaign.pk else pk
            frontier[pk] = parent
    return branch


def _period_map(campaign: Campaign, campaigns: list[int], periods: list[Period]) -> dict:
    """{period id of any campaign below: the top campaign's period it counts towards}."""
    top = {(p.requirement_id, p.number): p for p in periods}
    root_of: dict[int, int] = {}
    requirements = dict(
        Requirement.objects.filter(campaign__in=[campaign.pk, *campaigns]).values_list(
            "pk", "inherited_from_id"
        )
    )
    for pk in requirements:
        seen, at = 0, pk
        while requirements.get(at) and seen < 8:  # follow the chain up to the top campaign
            at, seen = requirements[at], seen + 1
        root_of[pk] = at
    mapping = {}
    for pk, requirement, number in Period.objects.filter(
        requirement__campaign__in=campaigns
    ).values_list("pk", "requirement_id", "number"):
        target = top.get((root_of.get(requirement), number))
        if target is not None:
            mapping[pk] = target
    return mapping


def _reporting(participants: QuerySet) -> QuerySet:
    """The participants that report themselves: not those that run a linked campaign under
    theirs (they are counted through their own units)."""
    return participants.exclude(
        Exists(
            Campaign.objects.filter(
                parent=OuterRef("campaign"), owner=OuterRef("organization"), archived=False
            )
        )
    )


def _leaf_rates(
    campaign_ids: list[int], period_map: dict[int, Period], now: datetime
) -> dict[tuple[int, int], Rate]:
    """{(campaign id, top period id): Rate} over the campaigns' own participants."""
    rates: dict[tuple[int, int], Rate] = defaultdict(Rate)
    due = {
        pk: (campaign, due_at)
        for pk, campaign, due_at in Period.objects.filter(
            pk__in=period_map, due_at__lte=now
        ).values_list("pk", "requirement__campaign_id", "due_at")
    }
    joined: dict[int, list] = defaultdict(list)
    for campaign, joined_on, count in (
        _reporting(Participant.objects.filter(campaign__in=campaign_ids))
        .values_list("campaign_id", "joined_on")
        .annotate(n=Count("id"))
    ):
        joined[campaign].append((joined_on, count))
    for pk, (campaign, due_at) in due.items():
        day = timezone.localtime(due_at).date()
        rates[campaign, period_map[pk].pk].expected += sum(
            n for joined_on, n in joined[campaign] if joined_on <= day
        )
    for pk, joined_on, reported, timely in (
        Submission.objects.filter(
            period__in=due.keys(),
            participant__in=_reporting(Participant.objects.filter(campaign__in=campaign_ids)),
        )
        .exclude(state=State.DRAFT)
        .values("period_id", "participant__joined_on")
        .annotate(
            reported=Count("id"),
            timely=Count("id", filter=Q(timeliness=Timeliness.ON_TIME)),
        )
        .values_list("period_id", "participant__joined_on", "reported", "timely")
    ):
        campaign, due_at = due[pk]
        if joined_on > timezone.localtime(due_at).date():
            continue  # joined after the deadline: not expected, so not counted
        rate = rates[campaign, period_map[pk].pk]
        rate.reported += reported
        rate.timely += timely
    return rates


def build_rollup(campaign: Campaign, *, now: datetime | None = None) -> Rollup:
    """Every unit reporting below the campaign, counted towards its participants' rows."""
    now = now or timezone.now()
    periods = board_periods(campaign)
    branch = _tree(campaign)
    children = {c.owner_id: c for c in Campaign.objects.filter(pk__in=set(branch.values()))}
    participants = list(
        campaign.participants.select_related("organization").order_by("organization__path")
    )
    # A participant without a linked campaign reports itself, in this campaign.
    direct = [p for p in participants if p.organization_id not in children]
    leaf_campaigns = list(branch)
    period_map = _period_map(campaign, leaf_campaigns, periods)
    below = _leaf_rates(leaf_campaigns, period_map, now)
    units = dict(
        _reporting(Participant.objects.filter(campaign__in=leaf_campaigns))
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    )
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
            mine = [pk for pk, top in branch.items() if top == child.pk]
            row.units = sum(units.get(pk, 0) for pk in mine)
            for i, period in enumerate(periods):
                for pk in mine:
                    row.rates[i].include(below.get((pk, period.pk), Rate()))
        for i, rate in enumerate(row.rates):
            for total in (row.rate, period_rates[i], overall):
                total.include(rate)
        rows.append(row)
    return Rollup(periods, rows, period_rates, overall)
