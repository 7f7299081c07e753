"""How an item's rule turns what a unit did into points (pure: no database). Decision 0021.

`score` takes the item (its rule, points and parameters), the value of its measure for one
unit (None: no data), and two facts about the report the item is bound to (late, without a
document), and says the points, or None when an assessor has to decide, with the reason in
words the page and the exported table show."""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from anxuan.assessment.enums import Rule
from anxuan.assessment.models import Item

ZERO = Decimal(0)
TENTH = Decimal("0.1")
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Outcome:
    points: Decimal | None  # None: for an assessor to score (a manual item, or no data)
    why: str = ""
    vetoed: bool = False


def days_late(submitted_at: datetime, due_at: datetime) -> int:
    """Whole days late, a started day counting: 0 at the due time or before, 1 from one
    second after it, 2 from a day and one second after it."""
    seconds = (submitted_at - due_at).total_seconds()
    return max(0, math.ceil(seconds / DAY_SECONDS))


def points(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def score(
    item: Item, value: Decimal | None, *, late: bool = False, no_document: bool = False
) -> Outcome:
    top = item.max_points
    if item.rule == Rule.MANUAL:
        return Outcome(None, _("Scored by the assessor"))
    if item.rule == Rule.VETO:
        if value is not None and value > 0:
            return Outcome(ZERO, _("Veto: %(n)s occurrences") % {"n": plain(value)}, True)
        return Outcome(ZERO, _("No veto"))
    if item.zero_if_late and late:
        return Outcome(ZERO, _("Submitted late: 0"))
    if item.zero_if_no_document and no_document:
        return Outcome(ZERO, _("No document: 0"))
    if value is None:
        if item.rule == Rule.TIMELINESS:
            return Outcome(ZERO, _("Not submitted: 0"))
        if item.zero_if_no_data:
            return Outcome(ZERO, _("No data: 0"))
        return Outcome(None, _("No data: for the assessor"))
    return _by_rule(item, value, top)


def _by_rule(item: Item, value: Decimal, top: Decimal) -> Outcome:
    per = item.per_unit or ZERO
    if item.rule == Rule.DONE:
        return Outcome(top, _("Done")) if value > 0 else Outcome(ZERO, _("Not done"))
    if item.rule == Rule.PER_COUNT:
        cap = top if item.cap is None else item.cap
        earned = min(cap, per * value)
        why = _("%(n)s × %(per)s points") % {"n": plain(value), "per": plain(per)}
        if per * value > cap:
            why += _(", capped at %(cap)s") % {"cap": plain(cap)}
        return Outcome(points(earned), why)
    if item.rule == Rule.TIMELINESS:
        return _deduct(top, per, value, _("On time"), _("%(n)s days late, %(lost)s points lost"))
    if item.rule == Rule.REGULARITY:
        return _deduct(
            top,
            per,
            value,
            _("A report in every period"),
            _("%(n)s periods without a report, %(lost)s points lost"),
        )
    # Rule.TIERED
    n = int(value)
    if n <= 0:
        return Outcome(top, _("None"))
    lost = Decimal(str(item.tiers[min(n, len(item.tiers)) - 1]))
    return Outcome(
        points(max(ZERO, top - lost)),
        _("%(n)s occurrences, %(lost)s points lost") % {"n": n, "lost": plain(lost)},
    )


def _deduct(top: Decimal, per: Decimal, value: Decimal, full: str, lost_words: str) -> Outcome:
    """Full points with none counted, else `per` lost for each (days late, periods missed)."""
    if value <= 0:
        return Outcome(top, full)
    lost = per * value
    return Outcome(
        points(max(ZERO, top - lost)), lost_words % {"n": plain(value), "lost": plain(lost)}
    )


def plain(value: Decimal) -> str:
    """A number of points or things as a scoring table writes it: 4, 1.5, 0."""
    return f"{value.normalize():f}"
