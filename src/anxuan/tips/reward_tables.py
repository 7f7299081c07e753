"""A jurisdiction's reward rules (举报奖励标准): the national defaults as the built-in
table, the table in force for an office, a new table and its checks, and how the pages put
a rule in words. A saved table is never changed (tips.rewards proposes amounts from them)."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anxuan.core import audit
from anxuan.orgs.models import PATH_STEP, Organization, Person
from anxuan.tips.enums import AccidentGrade, Category, RewardMethod
from anxuan.tips.models import RewardRule, RewardTable

CENT = Decimal("0.01")
PER_DEATH_FIELDS = {
    AccidentGrade.GENERAL: "per_death_general",
    AccidentGrade.LARGER: "per_death_larger",
    AccidentGrade.MAJOR: "per_death_major",
    AccidentGrade.ESPECIALLY_MAJOR: "per_death_especially_major",
}
# What each method reads of a rule (the rest is cleared when a table is saved), and which
# of those must be filled; an empty bound or cap is no bound.
USED_FIELDS: dict[str, tuple[str, ...]] = {
    RewardMethod.NONE: (),
    RewardMethod.PERCENT_OF_FINE: ("percent", "minimum", "maximum"),
    RewardMethod.PER_DEATH: (*PER_DEATH_FIELDS.values(), "maximum"),
    RewardMethod.FIXED: ("fixed_amount", "monthly_cap"),
}
NEEDED_FIELDS: dict[str, tuple[str, ...]] = {
    RewardMethod.NONE: (),
    RewardMethod.PERCENT_OF_FINE: ("percent",),
    RewardMethod.PER_DEATH: tuple(PER_DEATH_FIELDS.values()),
    RewardMethod.FIXED: ("fixed_amount",),
}
AMOUNT_FIELDS = (
    "minimum",
    "maximum",
    *PER_DEATH_FIELDS.values(),
    "fixed_amount",
    "monthly_cap",
)
RULE_FIELDS = ("method", "percent", *AMOUNT_FIELDS)

# The built-in table ------------------------------------------------------------------------


def national_rules() -> dict[str, RewardRule]:
    """The national defaults (安全生产领域举报奖励办法), one unsaved rule per category: 15 %
    of the fine, at least ¥3 000 and at most ¥300 000, for a major hazard or an illegal
    operation; ¥30 000 / 40 000 / 50 000 / 60 000 per concealed death by accident grade,
    capped at ¥300 000; other violations carry no national reward (a jurisdiction may set
    one in its own table)."""
    percent = {
        "method": RewardMethod.PERCENT_OF_FINE,
        "percent": Decimal(15),
        "minimum": Decimal(3000),
        "maximum": Decimal(300000),
    }
    return {
        Category.MAJOR_HAZARD: RewardRule(category=Category.MAJOR_HAZARD, **percent),
        Category.ILLEGAL_OPERATION: RewardRule(category=Category.ILLEGAL_OPERATION, **percent),
        Category.CONCEALED_ACCIDENT: RewardRule(
            category=Category.CONCEALED_ACCIDENT,
            method=RewardMethod.PER_DEATH,
            per_death_general=Decimal(30000),
            per_death_larger=Decimal(40000),
            per_death_major=Decimal(50000),
            per_death_especially_major=Decimal(60000),
            maximum=Decimal(300000),
        ),
        Category.OTHER_VIOLATION: RewardRule(
            category=Category.OTHER_VIOLATION, method=RewardMethod.NONE
        ),
    }


def rules_of(table: RewardTable | None) -> dict[str, RewardRule]:
    """A table's rule for every category, in the categories' order (None: the national
    defaults); a category a table leaves out is not rewarded."""
    if table is None:
        return national_rules()
    found = {rule.category: rule for rule in table.rules.all()}
    return {
        category: found.get(category)
        or RewardRule(table=table, category=category, method=RewardMethod.NONE)
        for category in Category.values
    }


def table_in_force(office: Organization, at: datetime | None = None) -> RewardTable | None:
    """The reward table an office follows at `at` (now by default): the newest one saved at
    or before then by the office itself, else by the nearest office above it that has one;
    None when none has: the national defaults."""
    at = at or timezone.now()
    step = PATH_STEP + 1
    prefixes = [office.path[:end] for end in range(step, len(office.path) + 1, step)]
    tables = (
        RewardTable.objects.select_related("office")
        .filter(office__path__in=prefixes, created_at__lte=at)
        .order_by("-created_at", "-id")
    )
    newest: dict[str, RewardTable] = {}
    for table in tables:
        newest.setdefault(table.office.path, table)
    return next((newest[p] for p in reversed(prefixes) if p in newest), None)


def table_name(table: RewardTable | None) -> str:
    if table is None:
        return _("the national defaults")
    when = date_format(
        timezone.localtime(table.created_at, timezone.get_default_timezone()), "Y-m-d"
    )
    if table.note:
        return _("the reward table of %(office)s of %(date)s (%(note)s)") % {
            "office": table.office.name,
            "date": when,
            "note": table.note,
        }
    return _("the reward table of %(office)s of %(date)s") % {
        "office": table.office.name,
        "date": when,
    }


def describe_rule(rule: RewardRule) -> str:
    """A rule in words, as the pages show it."""
    if rule.method == RewardMethod.PERCENT_OF_FINE:
        text = _("%(percent)s%% of the fine") % {
            "percent": percent_text(rule.percent or Decimal(0))
        }
        if rule.minimum is not None:
            text += _(", at least %(amount)s yuan") % {"amount": yuan(rule.minimum)}
        if rule.maximum is not None:
            text += _(", at most %(amount)s yuan") % {"amount": yuan(rule.maximum)}
        return text
    if rule.method == RewardMethod.PER_DEATH:
        text = _("per concealed death: %(amounts)s yuan") % {
            "amounts": " / ".join(
                f"{grade.label} {yuan(getattr(rule, field) or Decimal(0))}"
                for grade, field in PER_DEATH_FIELDS.items()
            )
        }
        if rule.maximum is not None:
            text += _(", capped at %(amount)s yuan") % {"amount": yuan(rule.maximum)}
        return text
    if rule.method == RewardMethod.FIXED:
        text = _("%(amount)s yuan") % {"amount": yuan(rule.fixed_amount or Decimal(0))}
        if rule.monthly_cap is not None:
            text += _(", at most %(amount)s yuan a month per reporter") % {
                "amount": yuan(rule.monthly_cap)
            }
        return text
    return str(RewardMethod.NONE.label)


# Saving a table ----------------------------------------------------------------------------


def rule_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """What is wrong with one rule's values ({field: messages}; empty when nothing is): a
    percentage within 0–100, no negative amount, a minimum not above the maximum, and the
    fields its method needs filled."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    method = values.get("method")
    if method not in RewardMethod.values:
        add("method", _("Choose how this category is rewarded."))
        return errors
    percent = values.get("percent")
    if percent is not None and not 0 <= percent <= 100:
        add("percent", _("The percentage is between 0 and 100."))
    for field in AMOUNT_FIELDS:
        amount = values.get(field)
        if amount is not None and amount < 0:
            add(field, _("An amount cannot be negative."))
    low, high = values.get("minimum"), values.get("maximum")
    if (
        method == RewardMethod.PERCENT_OF_FINE
        and low is not None
        and high is not None
        and low > high
    ):
        add("minimum", _("The minimum is more than the maximum."))
    for field in NEEDED_FIELDS[method]:
        if values.get(field) is None:
            add(field, _("This method needs this field."))
    return errors


@transaction.atomic
def save_table(
    *,
    actor: Person,
    office: Organization,
    rules: Mapping[str, Mapping[str, Any]],
    first_reporter_only: bool = True,
    note: str = "",
) -> RewardTable:
    """Save a new reward table of the office, in force from now for tips accepted from now
    (a saved table is never changed: tips accepted under it keep it). `rules` holds one
    rule's values per category; the fields its method does not use are left empty.
    Writes an audit row."""
    missing = [c for c in Category.values if c not in rules]
    if missing:
        raise ValidationError(_("Every category needs a rule."))
    errors: dict[str, list[str]] = {}
    for category, values in rules.items():
        for field, messages in rule_errors(values).items():
            errors.setdefault(f"{category}-{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    table = RewardTable(
        office=office,
        first_reporter_only=first_reporter_only,
        note=note.strip(),
        created_by=actor,
    )
    table.full_clean()
    table.save()
    made = []
    for category in Category.values:
        values = rules[category]
        method = values["method"]
        rule = RewardRule(
            table=table,
            category=category,
            method=method,
            **{f: values.get(f) for f in USED_FIELDS[method]},
        )
        rule.full_clean()
        made.append(rule)
    RewardRule.objects.bulk_create(made)
    audit.record(
        actor=actor,
        action="rewardtable.save",
        target=table,
        summary=str(table),
        rules={rule.category: audit.snapshot(rule) for rule in made},
    )
    return table


# Amounts in words -------------------------------------------------------------------------


def yuan(amount: Decimal) -> str:
    """An amount as the basis writes it: 7 500, 1 234.50."""
    amount = amount.quantize(CENT)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text.replace(",", " ")


def percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
