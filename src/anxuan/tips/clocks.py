"""The legal clocks of a tip, in Asia/Shanghai calendar days (TIME_ZONE), and the rules of
the jurisdiction that sets them: a period of N days from a start ends on start + N, so an
objection on day 10 of a 10-day window is in time and on day 11 is late."""

from datetime import date, timedelta

from django.utils import timezone

from anxuan.orgs.models import PATH_STEP, Organization
from anxuan.tips.enums import State
from anxuan.tips.models import Tip, TipRules

SOON, OVERDUE = "soon", "overdue"


def today() -> date:
    """Today in Asia/Shanghai (the site's TIME_ZONE), whatever the server's clock zone."""
    return timezone.localdate()


def rules_for(office: Organization) -> TipRules:
    """The rules in force for an office: its own, else the nearest office above it with
    some, else the national defaults (an unsaved row)."""
    step = PATH_STEP + 1
    prefixes = [office.path[:end] for end in range(step, len(office.path) + 1, step)]
    found = {r.office.path: r for r in TipRules.objects.filter(office__path__in=prefixes)}
    for prefix in reversed(prefixes):
        if prefix in found:
            return found[prefix]
    return TipRules(office=office)


def days_after(start: date, days: int) -> date:
    """The last day of a period of `days` calendar days starting the day after `start`."""
    return start + timedelta(days=days)


def in_time(due: date | None, on: date) -> bool:
    return due is not None and on <= due


def running_due(tip: Tip) -> date | None:
    """The deadline the tip's current state runs against, if any."""
    return {
        State.VERIFYING: tip.verify_due,
        State.CLOSED: tip.reply_due,
        State.OBJECTED: tip.reexam_due,
    }.get(State(tip.state))


def urgency(tip: Tip, rules: TipRules, on: date | None = None) -> str:
    """OVERDUE when the running deadline has passed, SOON within rules.soon_days, else ""."""
    due = running_due(tip)
    if due is None:
        return ""
    on = on or today()
    if on > due:
        return OVERDUE
    if (due - on).days <= rules.soon_days:
        return SOON
    return ""
