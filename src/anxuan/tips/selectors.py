"""Reads of tips for the offices: the one selector of every tip figure (`tip_figures`),
which the statistics page, its .xlsx, the campaign's statistics table and the API all
read, and the office a person may see the figures of."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Substr, TruncMonth
from django.db.models.lookups import GreaterThan
from django.http import Http404
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.orgs.enums import OFFICE_ROLES, OrgKind
from anxuan.orgs.models import PATH_STEP, Organization, Person
from anxuan.orgs.rules import memberships_of, subtree_q
from anxuan.tips import clocks
from anxuan.tips.enums import Category, Channel, RewardState, State
from anxuan.tips.models import Reward, Tip

# Verified (核查属实并办结): closing is where verification ends, whatever followed it.
VERIFIED_STATES = (State.CLOSED, State.REPLIED, State.OBJECTED, State.FINAL)
# The date field each running clock stands on: clocks.running_due, written as a filter.
RUNNING_DUE = {
    State.VERIFYING: "verify_due",
    State.CLOSED: "reply_due",
    State.OBJECTED: "reexam_due",
}
PROPOSED_REWARDS = (
    RewardState.PROPOSED,
    RewardState.NOTIFIED,
    RewardState.CLAIMED,
    RewardState.PAID,
)
# Children of an office listed by region even with no tip: the levels of the tree.
REGION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWN)
TENTH = Decimal("0.1")
MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=14, decimal_places=2)


def overdue_q(on: date) -> Q:
    """Tips whose running deadline (clocks.running_due) passed before `on`: the rule of
    clocks.urgency's OVERDUE, in SQL."""
    q = Q(pk__in=[])
    for state, due in RUNNING_DUE.items():
        q |= Q(state=state, **{f"{due}__lt": on})
    return q


# Accepted: the denominator of the verified rate. A tip withdrawn after acceptance left it
# (the reporter stopped the matter, not the office); one refused or transferred never was.
ACCEPTED_Q = Q(accepted_on__isnull=False) & ~Q(state=State.WITHDRAWN)
VERIFIED_Q = Q(accepted_on__isnull=False, state__in=VERIFIED_STATES)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one decimal (87.5), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tally:
    """Counts of one group of tips (all of them, a category, a region, a month ...)."""

    received: int = 0
    accepted: int = 0  # accepted and not withdrawn
    verified: int = 0
    overdue: int = 0
    exposed: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.received + other.received,
            self.accepted + other.accepted,
            self.verified + other.verified,
            self.overdue + other.overdue,
            self.exposed + other.exposed,
        )

    @property
    def verified_rate(self) -> Decimal | None:
        """Verified of accepted, in percent to one decimal; None when none was accepted."""
        return percent(self.verified, self.accepted)


@dataclass(frozen=True)
class Row:
    """A line of a breakdown: a stable key ("major_hazard", "2026-07", an organisation's
    id, "own"), the label shown, its counts; region rows carry their organisation, and
    whether an office in it handles some of the row's tips (its own figures show them)."""

    key: str
    label: str
    tally: Tally
    organization: Organization | None = None
    handled_within: bool = False


@dataclass(frozen=True)
class TipFigures:
    """Every tip figure of an office's jurisdiction over the tips received from `start` to
    `end` (Asia/Shanghai calendar days, both included); overdue as of `on`."""

    office: Organization
    start: date
    end: date
    on: date
    total: Tally
    by_category: list[Row]
    by_region: list[Row]
    by_channel: list[Row]
    by_state: list[Row]
    by_month: list[Row]
    merged: int  # tips merged into another: not counted themselves (see tip_figures)
    closed: int  # tips with a time to close (accepted and closed)
    mean_days_to_close: Decimal | None
    median_days_to_close: Decimal | None
    rewards_proposed: Decimal
    rewards_paid: Decimal
    closing_days: dict[int, int] = field(default_factory=dict)  # days to close → tips

    @property
    def received(self) -> int:
        return self.total.received

    @property
    def verified(self) -> int:
        return self.total.verified

    @property
    def exposed(self) -> int:
        return self.total.exposed

    @property
    def overdue(self) -> int:
        return self.total.overdue

    @property
    def verified_rate(self) -> Decimal | None:
        return self.total.verified_rate


def in_jurisdiction(office: Organization, start: date, end: date, via: str = "") -> Q:
    """Tips handled by `office` or an office below it, received on the Asia/Shanghai days
    from `start` to `end`, both included; `via` names the relation to the tip from
    another model ("tip")."""
    at = f"{via}__" if via else ""
    return Q(
        **{
            f"{at}office__path__startswith": office.path,
            f"{at}received_at__gte": datetime.combine(start, time.min, tzinfo=SHANGHAI),
            f"{at}received_at__lt": datetime.combine(
                end + timedelta(days=1), time.min, tzinfo=SHANGHAI
            ),
        }
    )


def _region(office: Organization) -> Case:
    """The path of the child of `office` a tip belongs to: on the path of the tip's
    handling office when a level below handles it; else, handled by `office` itself, on
    the path of its place when that lies below the office; else "" (the office's own)."""
    depth, child = len(office.path), len(office.path) + PATH_STEP + 1
    return Case(
        When(GreaterThan(Length("office__path"), depth), then=Substr("office__path", 1, child)),
        When(
            Q(place__path__startswith=office.path) & GreaterThan(Length("place__path"), depth),
            then=Substr("place__path", 1, child),
        ),
        default=Value(""),
    )


def _mean(counts: dict[int, int]) -> Decimal | None:
    """The mean of a distribution {value: how many}, to one decimal."""
    n = sum(counts.values())
    if not n:
        return None
    exact = Decimal(sum(value * k for value, k in counts.items())) / n
    return exact.quantize(TENTH, rounding=ROUND_HALF_UP)


def _median(counts: dict[int, int]) -> Decimal | None:
    """The median of a distribution {value: how many} (the mean of the two middle values
    of an even count), to one decimal, walking the values rather than spelling them out."""
    n = sum(counts.values())
    if not n:
        return None

    def nth(index: int) -> int:
        seen = 0
        for value in sorted(counts):
            seen += counts[value]
            if index < seen:
                return value
        raise IndexError(index)

    return (Decimal(nth((n - 1) // 2) + nth(n // 2)) / 2).quantize(TENTH)


def _months(start: date, end: date) -> list[date]:
    month, months = start.replace(day=1), []
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _rows(keys: Iterable[tuple[str, str | Promise]], tallies: dict[str, Tally]) -> list[Row]:
    return [Row(key, str(label), tallies.get(key, Tally())) for key, label in keys]


def tip_figures(
    office: Organization, *, start: date, end: date, on: date | None = None
) -> TipFigures:
    """Every tip figure of the jurisdiction of `office` (the tips handled by it or by an
    office below it) received from `start` to `end`, Asia/Shanghai days, both included.

    - Counted once per matter: a tip merged into another (state MERGED) is left out of every
      count; the matter counts in the tip it was merged into, under that tip's own date,
      category, place and state. `merged` says how many were left out so.
    - Withdrawn tips count as received (by category, region, channel, month, state), but a
      tip withdrawn after acceptance is not in `accepted`, the verified rate's denominator:
      the reporter stopped it, and the office cannot verify it any more.
    - Verified: accepted and in a state from closing on (closed, replied, objected, final).
    - Overdue: the running deadline passed before `on` (today by default): verifying past
      verify_due, closed past reply_due, objected past reexam_due (clocks.urgency).
    - By region: per child of `office`, the one on the path of the tip's handling office
      ("up the hierarchy": a city sees its counties); tips the office handles itself go by
      the child on their place's path (a county sees its towns), else to its own row.
      Children of region kinds are listed even with no tip.
    - Time to close: closed_on − accepted_on in days, over the counted tips with both.
    - Rewards are money paid to reporters, not matters: summed over every tip in the range,
      merged ones included. Proposed: `proposed` of rewards proposed, notified, claimed or
      paid; paid: `paid` of rewards paid.

    Four queries whatever the size: one GROUP BY over category × channel × state × region
    × month that every breakdown and the totals are summed from, the region organisations,
    the days to close and the rewards."""
    on = on or clocks.today()
    scope = in_jurisdiction(office, start, end)
    cube = (
        Tip.objects.filter(scope)
        .annotate(
            region=_region(office),
            below=GreaterThan(Length("office__path"), len(office.path)),
            month=TruncMonth("received_at", tzinfo=SHANGHAI, output_field=DateField()),
        )
        .values("category", "channel", "state", "region", "below", "month")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=ACCEPTED_Q),
            verified=Count("pk", filter=VERIFIED_Q),
            overdue=Count("pk", filter=overdue_q(on)),
            exposed=Count("pk", filter=Q(exposed=True)),
        )
        .order_by()
    )
    total = Tally()
    merged = 0
    handling: set[str] = set()  # paths of the children with offices that handle some tips
    groups: dict[str, dict[str, Tally]] = defaultdict(dict)
    for cell in cube:
        if cell["state"] == State.MERGED:
            merged += cell["received"]
            continue
        tally = Tally(
            cell["received"], cell["accepted"], cell["verified"], cell["overdue"], cell["exposed"]
        )
        total += tally
        if cell["below"]:
            handling.add(cell["region"])
        for by, key in (
            ("category", cell["category"]),
            ("channel", cell["channel"]),
            ("state", cell["state"]),
            ("region", cell["region"]),
            ("month", cell["month"].strftime("%Y-%m")),
        ):
            groups[by][key] = groups[by].get(key, Tally()) + tally

    regions = Organization.objects.filter(
        Q(path__in=[p for p in groups["region"] if p])
        | Q(parent=office, kind__in=REGION_KINDS, archived=False)
    ).order_by("path")
    by_region = [
        Row(str(o.pk), o.name, groups["region"].get(o.path, Tally()), o, o.path in handling)
        for o in regions
    ]
    if "" in groups["region"]:
        own = _("%(office)s (own level)") % {"office": office.name}
        by_region.append(Row("own", own, groups["region"][""], office))

    closing = Counter[int]()
    for row in (
        Tip.objects.filter(scope, accepted_on__isnull=False, closed_on__isnull=False)
        .exclude(state=State.MERGED)
        .annotate(
            took=ExpressionWrapper(F("closed_on") - F("accepted_on"), output_field=DurationField())
        )
        .values("took")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        closing[row["took"].days] += row["n"]

    money = Reward.objects.filter(in_jurisdiction(office, start, end, via="tip")).aggregate(
        proposed=Coalesce(
            Sum("proposed", filter=Q(state__in=PROPOSED_REWARDS)),
            Value(Decimal(0)),
            output_field=MONEY,
        ),
        paid=Coalesce(
            Sum("paid", filter=Q(state=RewardState.PAID)), Value(Decimal(0)), output_field=MONEY
        ),
    )

    return TipFigures(
        office=office,
        start=start,
        end=end,
        on=on,
        total=total,
        by_category=_rows(Category.choices, groups["category"]),
        by_region=by_region,
        by_channel=_rows(Channel.choices, groups["channel"]),
        by_state=_rows([c for c in State.choices if c[0] != State.MERGED], groups["state"]),
        by_month=_rows(
            (
                (m.strftime("%Y-%m"), date_format(m, "YEAR_MONTH_FORMAT"))
                for m in _months(start, end)
            ),
            groups["month"],
        ),
        merged=merged,
        closed=sum(closing.values()),
        mean_days_to_close=_mean(closing),
        median_days_to_close=_median(closing),
        rewards_proposed=money["proposed"],
        rewards_paid=money["paid"],
        closing_days=dict(sorted(closing.items())),
    )


def offices_of(person: Person) -> list[Organization]:
    """The organisations where the person works in an office (admin or staff), top first;
    a superuser's are the roots of the tree."""
    if getattr(person, "is_superuser", False):
        return list(Organization.objects.filter(parent=None, archived=False).order_by("path"))
    found = {m.organization for m in memberships_of(person) if m.role in OFFICE_ROLES}
    return sorted(found, key=lambda o: (o.depth, o.path))


def stats_office_for(person: Person, pk: int | None) -> Organization:
    """The office whose tip figures the person asks for: `pk`, when it is in a subtree the
    person reaches in an office role (else 404: its existence is not revealed), or the
    person's own top office. Whether the person does office work at all is the view's
    check (403)."""
    if pk is None:
        own = offices_of(person)
        if not own:
            raise Http404
        return own[0]
    office = Organization.objects.filter(subtree_q(person, OFFICE_ROLES), pk=pk).first()
    if office is None:
        raise Http404
    return office
