"""Rewards for tips (举报奖励): the amount a tip's reward table proposes, the reward
notice, its claim window and the payment.

The table a tip follows is the one in force when it was accepted (`Tip.reward_table`, set
by tips.handling through `table_in_force`; empty: the national defaults, see
tips.reward_tables). Amounts are in yuan; the basis of each proposal is kept in words, in
the site's language."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anxuan.core import audit
from anxuan.orgs.models import Person
from anxuan.tips import clocks
from anxuan.tips.enums import AccidentGrade, EventKind, RewardMethod, RewardState, State
from anxuan.tips.models import Reward, RewardRule, Tip, TipEvent
from anxuan.tips.reward_tables import (
    CENT,
    PER_DEATH_FIELDS,
    percent_text,
    rules_of,
    table_name,
    yuan,
)
from anxuan.tips.reward_tables import table_in_force as table_in_force  # tips.handling uses it

# A reward only for a tip whose verification is closed (核查属实后奖励).
VERIFIED_STATES = frozenset({State.CLOSED, State.REPLIED, State.OBJECTED, State.FINAL})
# The rewards that use up a reporter's monthly cap (a lapsed or refused one does not).
COUNTED_STATES = (
    RewardState.PROPOSED,
    RewardState.NOTIFIED,
    RewardState.CLAIMED,
    RewardState.PAID,
)
CHANGEABLE_STATES = frozenset({RewardState.PROPOSED, RewardState.NOT_ELIGIBLE})


@dataclass(frozen=True)
class Proposal:
    """What the table proposes for a tip: PROPOSED with an amount, or NOT_ELIGIBLE with 0,
    and why, in words."""

    state: str
    amount: Decimal
    basis: str


def verified(tip: Tip) -> bool:
    """Whether the tip's verification is closed: its own, or, for a tip merged into
    another, that of the tip it was merged into."""
    if tip.state in VERIFIED_STATES:
        return True
    return tip.state == State.MERGED and matter_root(tip).state in VERIFIED_STATES


def matter_root(tip: Tip) -> Tip:
    """The tip the others of its matter were merged into."""
    root, seen = tip, {tip.pk}
    while root.merged_into_id is not None and root.merged_into_id not in seen:
        seen.add(root.merged_into_id)
        root = Tip.objects.get(pk=root.merged_into_id)
    return root


def matter_of(tip: Tip) -> list[Tip]:
    """Every tip of the tip's matter: the one the others were merged into, and the tips
    merged into it (and into those)."""
    root = matter_root(tip)
    found, wave = [root], [root.pk]
    while wave:
        more = list(Tip.objects.filter(merged_into__in=wave).exclude(pk__in=[t.pk for t in found]))
        found += more
        wave = [t.pk for t in more]
    return found


def first_accepted(tips: list[Tip]) -> Tip | None:
    """The first accepted tip of a matter: the earliest accepted_on, then received_at."""
    accepted = [t for t in tips if t.accepted_on is not None]
    return min(accepted, key=lambda t: (t.accepted_on, t.received_at, t.pk), default=None)


def _month_range(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (Asia/Shanghai) of a moment, as [start, end)."""
    zone = timezone.get_default_timezone()
    start = timezone.localtime(moment, zone).date().replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (
        datetime.combine(start, time(), tzinfo=zone),
        datetime.combine(end, time(), tzinfo=zone),
    )


def used_this_month(tip: Tip) -> Decimal:
    """What the tip's reporter (Tip.reporter_key) already has in other rewards of tips
    received in the same calendar month, Asia/Shanghai: the paid amount of a paid reward,
    else the proposed one, of rewards proposed, notified, claimed or paid."""
    if not tip.reporter_key:
        return Decimal(0)
    start, end = _month_range(tip.received_at)
    total = (
        Reward.objects.filter(
            tip__reporter_key=tip.reporter_key,
            tip__received_at__gte=start,
            tip__received_at__lt=end,
            state__in=COUNTED_STATES,
        )
        .exclude(tip=tip)
        .aggregate(
            total=Coalesce(
                Sum(Coalesce("paid", "proposed")),
                Decimal(0),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )["total"]
    )
    return Decimal(total)


def _not_eligible(sentences: list[str], why: str) -> Proposal:
    return Proposal(RewardState.NOT_ELIGIBLE, Decimal(0), _joined([*sentences, why]))


def _joined(sentences: list[str]) -> str:
    separator = "" if (translation.get_language() or "").startswith("zh") else " "
    return separator.join(sentences)


def propose(
    *,
    tip: Tip,
    fine: Decimal | None = None,
    accident_grade: str = "",
    deaths: int | None = None,
) -> Proposal:
    """The reward the tip's table (`tip.reward_table`, the one in force at acceptance)
    proposes for what the office recorded. Not eligible: an anonymous reporter, a reporter
    who was not the first accepted of the matter (when the table says so), a category the
    table does not reward, an amount of 0. Raises ValidationError when a percentage rule
    has no fine, or a per-death rule no grade or deaths."""
    table = tip.reward_table
    rule = rules_of(table)[tip.category]
    said = [_("Under %(table)s.") % {"table": table_name(table)}]
    if not tip.identified:
        return _not_eligible(
            said,
            _(
                "The reporter gave no name or mobile and cannot be identified: no reward "
                "can be paid."
            ),
        )
    first_only = table.first_reporter_only if table is not None else True
    if first_only:
        first = first_accepted(matter_of(tip))
        if tip.accepted_on is None:
            return _not_eligible(
                said,
                _(
                    "This tip was merged into another before it was accepted; only the "
                    "first accepted reporter of a matter is rewarded."
                ),
            )
        if first is not None and first.accepted_on is not None and first.pk != tip.pk:
            return _not_eligible(
                said,
                _(
                    "Only the first accepted reporter of a matter is rewarded, and another "
                    "tip on this matter was accepted first (%(date)s)."
                )
                % {"date": date_format(first.accepted_on, "Y-m-d")},
            )
    if rule.method == RewardMethod.NONE:
        return _not_eligible(said, _("Tips of this category are not rewarded under this table."))

    if rule.method == RewardMethod.PERCENT_OF_FINE:
        amount = _bypercent_text(rule, fine, said)
    elif rule.method == RewardMethod.PER_DEATH:
        amount = _by_deaths(rule, accident_grade, deaths, said)
    else:
        amount = _fixed(rule, tip, said)
    if amount <= 0:
        return _not_eligible(said, _("The amount comes to 0: no reward."))
    said.append(_("Proposed reward: %(amount)s yuan.") % {"amount": yuan(amount)})
    return Proposal(RewardState.PROPOSED, amount, _joined(said))


def _bypercent_text(rule: RewardRule, fine: Decimal | None, said: list[str]) -> Decimal:
    if fine is None:
        raise ValidationError(
            {
                "fine": _(
                    "Record the fine first: this category is rewarded as a percentage of the fine."
                )
            }
        )
    percent = rule.percent or Decimal(0)
    amount = (fine * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    said.append(
        _("Fine %(fine)s yuan × %(percent)s%% = %(amount)s yuan.")
        % {"fine": yuan(fine), "percent": percent_text(percent), "amount": yuan(amount)}
    )
    if rule.minimum is not None and amount < rule.minimum:
        said.append(
            _("Below the minimum of %(minimum)s yuan: the minimum applies.")
            % {"minimum": yuan(rule.minimum)}
        )
        return rule.minimum
    if rule.maximum is not None and amount > rule.maximum:
        said.append(
            _("Above the maximum of %(maximum)s yuan: the maximum applies.")
            % {"maximum": yuan(rule.maximum)}
        )
        return rule.maximum
    return amount


def _by_deaths(
    rule: RewardRule, accident_grade: str, deaths: int | None, said: list[str]
) -> Decimal:
    if accident_grade not in AccidentGrade.values or not deaths:
        errors = {}
        if accident_grade not in AccidentGrade.values:
            errors["accident_grade"] = _("Choose the accident grade.")
        if not deaths:
            errors["deaths"] = _("Enter the number of concealed deaths.")
        raise ValidationError(errors)
    grade = AccidentGrade(accident_grade)
    per: Decimal = getattr(rule, PER_DEATH_FIELDS[grade]) or Decimal(0)
    amount = per * deaths
    said.append(
        _("%(grade)s: %(deaths)s concealed deaths × %(per)s yuan = %(amount)s yuan.")
        % {"grade": grade.label, "deaths": deaths, "per": yuan(per), "amount": yuan(amount)}
    )
    if rule.maximum is not None and amount > rule.maximum:
        said.append(
            _("Above the cap of %(cap)s yuan: the cap applies.") % {"cap": yuan(rule.maximum)}
        )
        return rule.maximum
    return amount


def _fixed(rule: RewardRule, tip: Tip, said: list[str]) -> Decimal:
    amount = rule.fixed_amount or Decimal(0)
    said.append(_("Fixed amount: %(amount)s yuan.") % {"amount": yuan(amount)})
    if rule.monthly_cap is None:
        return amount
    used = used_this_month(tip)
    room = max(rule.monthly_cap - used, Decimal(0))
    said.append(
        _(
            "The reporter's other rewards for tips received in %(month)s come to %(used)s "
            "yuan, of a monthly cap of %(cap)s yuan."
        )
        % {
            "month": date_format(
                timezone.localtime(tip.received_at, timezone.get_default_timezone()),
                "YEAR_MONTH_FORMAT",
            ),
            "used": yuan(used),
            "cap": yuan(rule.monthly_cap),
        }
    )
    if amount > room:
        said.append(_("Limited to what the cap leaves: %(room)s yuan.") % {"room": yuan(room)})
        return room
    return amount


# The reward's steps ------------------------------------------------------------------------


def _event(reward: Reward, actor: Person | None, note: str, *, to_reporter: bool) -> None:
    TipEvent.objects.create(
        tip=reward.tip,
        kind=EventKind.REWARD,
        actor=actor,
        office=reward.tip.office,
        note=note,
        to_reporter=to_reporter,
    )


@transaction.atomic
def record_reward(
    *,
    actor: Person,
    tip: Tip,
    fine: Decimal | None = None,
    penalty_decision: str = "",
    accident_grade: str = "",
    deaths: int | None = None,
) -> Reward:
    """Record the fine and penalty decision (and, for a concealed accident, its grade and
    deaths) of a verified tip, and the reward its table proposes: PROPOSED with the amount,
    or NOT_ELIGIBLE, with the basis in words. Recorded again until the notice is issued.
    Raises ValidationError (nothing saved) for a tip not verified, a notice already issued,
    or what the rule needs missing (a percentage rule without a fine). Writes a history
    event (not shown to the reporter) and an audit row."""
    tip = (
        Tip.objects.select_for_update(of=("self",))
        .select_related("office", "reward_table__office")
        .get(pk=tip.pk)
    )
    if not verified(tip):
        raise ValidationError(
            _("A reward is recorded once the tip's verification is closed."), code="not_verified"
        )
    reward = Reward.objects.filter(tip=tip).first()
    if reward is not None and reward.state not in CHANGEABLE_STATES:
        raise ValidationError(
            _("The reward notice has been issued; the reward can no longer be changed."),
            code="notified",
        )
    if fine is not None and fine < 0:
        raise ValidationError({"fine": _("An amount cannot be negative.")})
    with translation.override(settings.LANGUAGE_CODE):  # kept in the site's language
        proposal = propose(tip=tip, fine=fine, accident_grade=accident_grade, deaths=deaths)
    if reward is None:
        reward = Reward(tip=tip)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(reward)
    reward.state = proposal.state
    reward.proposed = proposal.amount
    reward.basis = proposal.basis
    reward.fine = fine
    reward.penalty_decision = penalty_decision.strip()
    reward.accident_grade = accident_grade
    reward.deaths = deaths
    reward.recorded_by = actor
    reward.full_clean()
    reward.save()
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Reward recorded: %(state)s, %(amount)s yuan.") % {
            "state": reward.get_state_display(),
            "amount": yuan(reward.proposed),
        }
    _event(reward, actor, note, to_reporter=False)
    audit.record(
        actor=actor,
        action="reward.record",
        target=reward,
        summary=f"{tip.pk}: {reward.get_state_display()} {yuan(reward.proposed)}",
        changes=audit.changes(before, reward),
    )
    return reward


def _locked(reward: Reward) -> Reward:
    return (
        Reward.objects.select_for_update(of=("self",))
        .select_related("tip__office")
        .get(pk=reward.pk)
    )


@transaction.atomic
def issue_notice(*, actor: Person, reward: Reward, on: date | None = None) -> Reward:
    """Issue the reward notice of a proposed reward: notice today (Asia/Shanghai), to be
    claimed by the end of the office's claim window (TipRules.claim_days, 60 by default).
    Writes a history event the reporter sees (the amount and the deadline) and an audit
    row."""
    reward = _locked(reward)
    if reward.state != RewardState.PROPOSED:
        raise ValidationError(_("Only a proposed reward can be notified."), code="not_proposed")
    before = audit.snapshot(reward)
    on = on or clocks.today()
    reward.state = RewardState.NOTIFIED
    reward.notice_on = on
    reward.claim_due = clocks.days_after(on, clocks.rules_for(reward.tip.office).claim_days)
    reward.full_clean()
    reward.save()
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "Reward notice: %(amount)s yuan, to be claimed by %(due)s (that day included); "
            "unclaimed by then, it lapses."
        ) % {"amount": yuan(reward.proposed), "due": date_format(reward.claim_due, "Y-m-d")}
    _event(reward, actor, note, to_reporter=True)
    audit.record(
        actor=actor,
        action="reward.notice",
        target=reward,
        summary=f"{reward.tip_id}: {yuan(reward.proposed)} → {reward.claim_due}",
        changes=audit.changes(before, reward),
    )
    return reward


@transaction.atomic
def claim(tip: Tip, on: date | None = None, *, actor: Person | None = None) -> Reward:
    """The reporter claims the reward of a tip (`actor` empty: from the follow-up page; an
    office's person when the reporter claims in person). In time up to and including the
    claim deadline. Raises ValidationError when there is no notice, the reward is already
    claimed, or the deadline has passed. Writes a history event the reporter sees and an
    audit row."""
    on = on or clocks.today()
    reward = (
        Reward.objects.select_for_update(of=("self",))
        .select_related("tip__office")
        .filter(tip=tip)
        .first()
    )
    if reward is None or reward.state in CHANGEABLE_STATES:
        raise ValidationError(_("There is no reward notice to claim."), code="not_notified")
    if reward.state in (RewardState.CLAIMED, RewardState.PAID):
        raise ValidationError(_("The reward has already been claimed."), code="claimed")
    if reward.state == RewardState.LAPSED or not clocks.in_time(reward.claim_due, on):
        raise ValidationError(
            _("The time to claim this reward ended on %(due)s; the reward has lapsed.")
            % {"due": date_format(reward.claim_due, "Y-m-d") if reward.claim_due else "—"},
            code="lapsed",
        )
    before = audit.snapshot(reward)
    reward.state = RewardState.CLAIMED
    reward.claimed_on = on
    reward.full_clean()
    reward.save()
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Reward claimed: %(amount)s yuan, to be paid.") % {"amount": yuan(reward.proposed)}
    _event(reward, actor, note, to_reporter=True)
    audit.record(
        actor=actor,
        action="reward.claim",
        target=reward,
        summary=f"{reward.tip_id}: {on}",
        changes=audit.changes(before, reward),
    )
    return reward


@transaction.atomic
def mark_paid(reward: Reward, amount: Decimal, on: date | None, actor: Person) -> Reward:
    """Record the payment of a claimed reward: more than 0 and at most the proposed amount,
    not before the claim. Writes a history event the reporter sees and an audit row."""
    reward = _locked(reward)
    on = on or clocks.today()
    if reward.state != RewardState.CLAIMED:
        raise ValidationError(_("Only a claimed reward can be paid."), code="not_claimed")
    if not 0 < amount <= reward.proposed:
        raise ValidationError(
            {
                "amount": _(
                    "The amount paid is more than 0 and at most the proposed %(amount)s yuan."
                )
                % {"amount": yuan(reward.proposed)}
            }
        )
    if reward.claimed_on is not None and on < reward.claimed_on:
        raise ValidationError(
            {
                "paid_on": _("The payment date is before the claim (%(date)s).")
                % {"date": date_format(reward.claimed_on, "Y-m-d")}
            }
        )
    before = audit.snapshot(reward)
    reward.state = RewardState.PAID
    reward.paid = amount
    reward.paid_on = on
    reward.full_clean()
    reward.save()
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Reward paid: %(amount)s yuan on %(date)s.") % {
            "amount": yuan(amount),
            "date": date_format(on, "Y-m-d"),
        }
    _event(reward, actor, note, to_reporter=True)
    audit.record(
        actor=actor,
        action="reward.pay",
        target=reward,
        summary=f"{reward.tip_id}: {yuan(amount)}",
        changes=audit.changes(before, reward),
    )
    return reward


def lapse_due(on: date | None = None) -> int:
    """Mark LAPSED every notified reward whose claim deadline is before `on` (today by
    default); returns how many. Safe to run twice. Writes for each a history event the
    reporter sees and an audit row."""
    on = on or clocks.today()
    due = Reward.objects.filter(state=RewardState.NOTIFIED, claim_due__lt=on)
    lapsed = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            reward = (
                Reward.objects.select_for_update(of=("self",))
                .select_related("tip__office")
                .filter(pk=pk, state=RewardState.NOTIFIED, claim_due__lt=on)
                .first()
            )
            if reward is None:  # claimed or lapsed meanwhile
                continue
            before = audit.snapshot(reward)
            reward.state = RewardState.LAPSED
            reward.save()
            with translation.override(settings.LANGUAGE_CODE):
                note = _("The reward was not claimed by %(due)s and has lapsed.") % {
                    "due": date_format(reward.claim_due, "Y-m-d") if reward.claim_due else "—"
                }
            _event(reward, None, note, to_reporter=True)
            audit.record(
                actor=None,
                action="reward.lapse",
                target=reward,
                summary=f"{reward.tip_id}: {reward.claim_due}",
                changes=audit.changes(before, reward),
            )
            lapsed += 1
    return lapsed
