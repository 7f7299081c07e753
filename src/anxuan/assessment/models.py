"""An assessment's rubric (考核评分标准) as data: a campaign's rubric, its sections and their
items, each with its points, scoring rule and rule parameters, and optionally the measure
it is computed from (campaigns.measures). Decision 0021."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxuan.assessment.enums import RubricState, Rule
from anxuan.campaigns.models import Campaign

NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class Rubric(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="rubric")
    title = models.CharField(_("title"), max_length=100)
    total_points = models.DecimalField(
        _("total points"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(100),
        validators=NOT_NEGATIVE,
    )
    state = models.CharField(
        _("state"), max_length=8, choices=RubricState.choices, default=RubricState.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("section"), max_length=100)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """One row of the scoring table: 考核项目 | 考核标准 | 分值 | 评分方式 | 落实情况(提供数据).

    Parameters by rule (the others stay empty):
    - per_count: `per_unit` points per counted thing, up to `cap` (the item's points when
      empty);
    - timeliness: `per_unit` points lost per day late (a started day counts);
    - regularity: `per_unit` points lost per period without a report;
    - tiered: `tiers`, the points lost at 1, 2, 3 and 4 or more occurrences;
    - done, veto, manual: none."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=100)
    criterion = models.TextField(_("criterion"), blank=True)
    max_points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=1, validators=NOT_NEGATIVE
    )
    rule = models.CharField(_("scoring rule"), max_length=12, choices=Rule.choices)
    per_unit = models.DecimalField(
        _("points per thing, day or period"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    cap = models.DecimalField(
        _("at most"), max_digits=6, decimal_places=1, null=True, blank=True, validators=NOT_NEGATIVE
    )
    tiers = models.JSONField(_("points lost at 1, 2, 3, ≥4 occurrences"), default=list, blank=True)
    evidence = models.TextField(_("evidence asked for"), blank=True)
    measure = models.CharField(_("computed from"), max_length=60, blank=True)
    measure_params = models.JSONField(default=dict, blank=True)
    zero_if_no_data = models.BooleanField(_("no data: 0"), default=False)
    zero_if_no_document = models.BooleanField(_("no document: 0"), default=False)
    zero_if_late = models.BooleanField(_("late: 0"), default=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__lte=models.F("max_points")),
                name="item_cap_within_points",
                violation_error_message=_("“At most” may not be above the item's points."),
            ),
        ]

    def __str__(self) -> str:
        return self.title
