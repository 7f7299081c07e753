"""Forms of the reward pages: a jurisdiction's new reward table (one rule per category), a
tip's fine and decision, and the payment."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import MinValueValidator
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from anxuan.tips import reward_tables
from anxuan.tips.enums import AccidentGrade, Category, RewardMethod
from anxuan.tips.models import Reward, RewardRule, RewardTable


class TableForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """Who is eligible under a table, and the rules it follows in words."""

    class Meta:
        model = RewardTable
        fields = ["first_reporter_only", "note"]
        labels = {"note": _("Basis (the rules it follows, optional)")}
        help_texts = {
            "first_reporter_only": _(
                "Several tips on one matter: only the reporter of the tip accepted first is "
                "rewarded. Unticked, every identified reporter of the matter is."
            ),
            "note": _("E.g. the jurisdiction's reward measures and their number."),
        }


class RuleForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """How one category of tip is rewarded; prefixed by the category on the page."""

    class Meta:
        model = RewardRule
        fields = list(reward_tables.RULE_FIELDS)
        labels = {
            "minimum": _("Minimum (yuan)"),
            "maximum": _("Maximum, or cap (yuan)"),
            "fixed_amount": _("Fixed amount (yuan)"),
            "monthly_cap": _("Monthly cap per reporter (yuan)"),
            "percent": _("Percentage of the fine (%)"),
            "per_death_general": _("Per death, general accident (yuan)"),
            "per_death_larger": _("Per death, larger accident (yuan)"),
            "per_death_major": _("Per death, major accident (yuan)"),
            "per_death_especially_major": _("Per death, especially major accident (yuan)"),
        }
        help_texts = {
            "maximum": _(
                "For a percentage: the most a reward can be. Per death: the cap of the total."
            ),
            "monthly_cap": _(
                "For a fixed amount: the most one reporter gets for the tips received in one "
                "calendar month. Empty: no cap."
            ),
        }

    def __init__(self, *args: Any, category: str, **kwargs: Any) -> None:
        kwargs["prefix"] = category
        super().__init__(*args, **kwargs)
        self.category = category
        self.label = Category(category).label
        cast(forms.ChoiceField, self.fields["method"]).choices = RewardMethod.choices
        for name in reward_tables.RULE_FIELDS[1:]:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "size": 10})

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for field, messages in reward_tables.rule_errors(cleaned).items():
            for message in messages:
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def _post_clean(self) -> None:
        """The model's own checks need the table, which is saved only by the service."""


def rule_forms(data: Any = None, *, table: RewardTable | None) -> list[RuleForm]:
    """One form per category, prefilled from `table` (None: the national defaults)."""
    current = reward_tables.rules_of(table)
    return [
        RuleForm(
            data,
            category=category,
            initial=model_to_dict(current[category], fields=list(reward_tables.RULE_FIELDS)),
        )
        for category in Category.values
    ]


class RecordForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """The fine and decision the office recorded; the accident's grade and deaths where the
    tip's rule rewards per death (or the tip is about a concealed accident)."""

    class Meta:
        model = Reward
        fields = ["fine", "penalty_decision", "accident_grade", "deaths"]
        labels = {
            "fine": _("Fine (yuan)"),
            "penalty_decision": _("Penalty decision (number or summary)"),
        }

    def __init__(self, *args: Any, per_death: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fine"].validators.append(MinValueValidator(Decimal(0)))
        self.fields["fine"].widget.attrs.update({"inputmode": "decimal", "min": "0"})
        if per_death:
            grade = cast(forms.ChoiceField, self.fields["accident_grade"])
            grade.choices = [("", "—"), *AccidentGrade.choices]
            self.fields["deaths"].validators.append(MinValueValidator(1))
        else:
            del self.fields["accident_grade"]
            del self.fields["deaths"]

    def _post_clean(self) -> None:
        """The reward's state and amount come from the service (rewards.record_reward)."""


class PaidForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
