"""Completeness and timeliness of a campaign: participants × periods, with rates.

A period counts for a unit once it is due and the unit had joined by then; a unit that
joins late is expected only from its join date, so no rate exceeds 100 %. Timeliness is
the server's receipt time of the first submit against the period's due time. A period
that closed with nothing submitted is "missing": not done.

Ad-hoc requirements ("any time") have no periods and no due time: each unit's column
counts the reports it sent, and is never missing, late or part of a rate.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.deadlines import due_day
from anxuan.campaigns.enums import RequirementKind, Schedule
from anxuan.campaigns.models import Campaign, Participant, Period, Requirement
from anxuan.campaigns.selectors import participants_of
from anxuan.reports.enums import State, Timeliness
from anxuan.reports.models import Submission
from anxuan.rollup import columns as extra_columns

STATUS_LABELS = {
    "accepted": _("accepted"),
    "on_time": _("on time"),
    "late": _("late"),
    "returned": _("returned"),
    "missing": _("missing"),
    "pending": _("not yet due"),
    "not_expected": _("not expected"),
}


NOT_COUNTED = frozenset({"pending", "not_expected"})


@dataclass
class Rate:
    """Reports expected (due, from units that had joined by the due day), reported, on
    time and accepted; late and missing follow."""

    expected: int = 0
    reported: int = 0
    timely: int = 0
    accepted: int = 0

    def add(self, cell: "Cell") -> None:
        if cell.status in NOT_COUNTED:
            return
        self.expected += 1
        self.reported += cell.status != "missing"
        self.timely += cell.timely
        self.accepted += cell.status == "accepted"

    def include(self, other: "Rate") -> None:
        """Add another rate's counts (a roll-up of rates)."""
        self.expected += other.expected
        self.reported += other.reported
        self.timely += other.timely
        self.accepted += other.accepted

    @property
    def late(self) -> int:
        return self.reported - self.timely

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def reporting(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.timely / self.expected if self.expected else None


def percent_text(value: float | None) -> str:
    """A rate as offices write it in their reports: 87.5%, or — when nothing was expected."""
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass
class Cell:
    status: str  # a key of STATUS_LABELS
    timely: bool = False
    submission: Submission | None = None
    due_at: datetime | None = None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Row:
    participant: Participant
    cells: list[Cell] = field(default_factory=list)
    rate: Rate = field(default_factory=Rate)
    adhoc_counts: list[int] = field(default_factory=list)  # reports sent, per Board.adhoc
    extra: list[int] = field(default_factory=list)  # a value per Board.columns


@dataclass
class Board:
    periods: list[Period]
    rows: list[Row]
    period_rates: list[Rate]
    overall: Rate
    adhoc: list[Requirement] = field(default_factory=list)
    columns: list[extra_columns.Column] = field(default_factory=list)  # other apps' columns

    def column_total(self, index: int) -> int:
        return sum(row.extra[index] for row in self.rows)


def cell_for(
    participant: Participant, period: Period, submission: Submission | None, now: datetime
) -> Cell:
    due = period.due_at
    if due_day(period.due_at) < participant.joined_on:
        return Cell("not_expected", due_at=due)
    if submission is None or submission.state == State.DRAFT:
        return Cell("pending" if period.due_at > now else "missing", due_at=due)
    timely = submission.timeliness == Timeliness.ON_TIME
    if submission.state == State.RETURNED:
        status = "returned"
    elif submission.state == State.ACCEPTED:
        status = "accepted"
    else:
        status = "on_time" if timely else "late"
    return Cell(status, timely, submission, due)


def board_periods(campaign: Campaign, requirement_id: int | None = None) -> list[Period]:
    periods = (
        Period.objects.filter(requirement__campaign=campaign)
        .exclude(requirement__schedule=Schedule.ANYTIME)
        .exclude(requirement__kind=RequirementKind.LIAISON_FORM)
        .select_related("requirement")
    )
    if requirement_id:
        periods = periods.filter(requirement_id=requirement_id)
    return list(periods.order_by("due_at", "requirement__order"))


def board_adhoc(campaign: Campaign, requirement_id: int | None = None) -> list[Requirement]:
    """The campaign's ad-hoc requirements (no due time), shown as counts per unit."""
    requirements = campaign.requirements.filter(schedule=Schedule.ANYTIME)
    if requirement_id:
        requirements = requirements.filter(pk=requirement_id)
    return list(requirements)


def build_board(
    campaign: Campaign,
    participants: list[Participant],
    periods: list[Period],
    *,
    now: datetime | None = None,
    adhoc: list[Requirement] | None = None,
) -> Board:
    """The grid in three queries (participants, periods, submissions), whatever its size,
    and one more for the counts of the `adhoc` requirements' reports."""
    now = now or timezone.now()
    adhoc = adhoc or []
    submissions = {
        (s.participant_id, s.period_id): s
        for s in Submission.objects.filter(participant__in=participants, period__in=periods).only(
            "id", "participant_id", "period_id", "state", "timeliness", "first_submitted_at"
        )
    }
    sent: dict[tuple[int, int], int] = {}
    if adhoc:
        sent = {
            (participant, requirement): n
            for participant, requirement, n in Submission.objects.filter(
                participant__in=participants, requirement__in=adhoc
            )
            .exclude(state=State.DRAFT)
            .values("participant_id", "requirement_id")
            .annotate(n=Count("pk"))
            .values_list("participant_id", "requirement_id", "n")
        }
    period_rates = [Rate() for _ in periods]
    overall = Rate()
    rows = []
    for participant in participants:
        row = Row(participant)
        for i, period in enumerate(periods):
            cell = cell_for(participant, period, submissions.get((participant.pk, period.pk)), now)
            row.cells.append(cell)
            for rate in (row.rate, period_rates[i], overall):
                rate.add(cell)
        row.adhoc_counts = [sent.get((participant.pk, r.pk), 0) for r in adhoc]
        rows.append(row)
    return Board(periods, rows, period_rates, overall, adhoc)


def campaign_board(
    campaign: Campaign, *, requirement_id: int | None = None, only_missing: bool = False
) -> Board:
    """The board of every participant, optionally of one requirement or of only the units
    that have a missing report (the page's filters, also used by its export), with the
    columns other apps registered (rollup.columns)."""
    board = build_board(
        campaign,
        list(participants_of(campaign)),
        board_periods(campaign, requirement_id),
        adhoc=board_adhoc(campaign, requirement_id),
    )
    board.columns = extra_columns.registered()
    for column in board.columns:
        values = column.provider(campaign)  # one query per column
        for row in board.rows:
            row.extra.append(values.get(row.participant.pk, 0))
    if only_missing:
        board.rows = [r for r in board.rows if any(c.status == "missing" for c in r.cells)]
    return board
