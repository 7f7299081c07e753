"""An assessment's rubric (考核评分标准) as data: a campaign's rubric, its sections and their
items, each with its points, scoring rule and rule parameters, and optionally the measure
it is computed from (campaigns.measures). Decision 0021."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxuan.assessment.enums import RubricState, Rule
from anxuan.campaigns.models import Campaign, Participant
from anxuan.core.models import StoredFile
from anxuan.reports.models import Submission

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
    self_scores_until = models.DateTimeField(
        _("self-scores accepted until"),
        null=True,
        blank=True,
        help_text=_("Empty: while the assessment is open."),
    )
    disagreement = models.DecimalField(
        _("assessors disagree beyond"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(2),
        validators=NOT_NEGATIVE,
        help_text=_("Points between the highest and lowest assessor's score of an item."),
    )
    # Section ids whose subtotals break a tie of totals, in order; then the first section.
    tie_breakers = models.JSONField(default=list, blank=True)
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


class SelfScore(models.Model):
    """A unit's own score of one item (自评分), with its evidence: words, and its own
    reports cited."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="self_scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(
        _("self-score"), max_digits=6, decimal_places=1, validators=NOT_NEGATIVE
    )
    note = models.TextField(_("evidence"), blank=True)
    reports = models.ManyToManyField(Submission, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "participant"], name="self_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.item}: {self.points}"


class AssessedScore(models.Model):
    """One assessor's score of one item for one unit (考核得分), with the reason."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assessed_scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(
        _("assessed score"), max_digits=6, decimal_places=1, validators=NOT_NEGATIVE
    )
    reason = models.TextField(_("reason"))
    visits: "models.ManyToManyField[Visit, Any]" = models.ManyToManyField(
        "Visit", blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "participant", "assessor"], name="assessed_score_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.item}: {self.points}"


class Assessor(models.Model):
    """A person the office names to assess beside its own staff (考核组成员: a member
    department's staff, an expert), for every unit or only those listed; never for their
    own organisation."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="assessors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("assessor"),
    )
    units = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="+",
        verbose_name=_("units"),
        help_text=_("None chosen: every unit."),
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "person"], name="assessor_once"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Visit(models.Model):
    """A supervision visit (督导) to a unit: the day, who went, what they found, with
    photos; an assessor may cite it as the evidence of a score."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    visited_on = models.DateField(_("day of the visit"))
    visitors = models.CharField(_("who went"), max_length=200)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.visitors}"


class VisitPhoto(StoredFile):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")

    class Meta(StoredFile.Meta):
        ordering = ["id"]
        indexes = [StoredFile.unprocessed_index("assessment_visit_unprocessed")]


class FrozenScore(models.Model):
    """What an item gave a unit when the assessment was closed: written once, never
    changed (later corrections are amendments)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    points = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    why = models.CharField(max_length=200, blank=True)
    vetoed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "participant"], name="frozen_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.item}: {self.points}"


class RankGroup(models.Model):
    """Units ranked with each other (towns with towns, departments with departments): the
    participants of the organisation kinds listed, or those picked by hand (enterprises of
    one size, say) when any are."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("group"), max_length=50)
    kinds = models.JSONField(_("kinds of unit"), default=list, blank=True)
    members = models.ManyToManyField(
        Participant, blank=True, related_name="+", verbose_name=_("units picked by hand")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Award(models.Model):
    """An honour named within a group (先进单位, 优秀组织单位): the best `quota` units by the
    total, or by one section's subtotal, vetoed units skipped."""

    group = models.ForeignKey(
        RankGroup, on_delete=models.CASCADE, related_name="awards", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=30)
    quota = models.PositiveSmallIntegerField(_("quota"))
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by the subtotal of"),
        help_text=_("Empty: by the total."),
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.group} · {self.title}"


class Named(models.Model):
    """A unit the office confirmed for an award."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="named")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["award", "participant"], name="named_once"),
        ]

    def __str__(self) -> str:
        return f"{self.award}: {self.participant}"


class Publication(models.Model):
    """The results made known to the units (公示): until `objections_until` a unit may
    object; `others_totals` lets every unit see the other units' totals, not only its own."""

    rubric = models.OneToOneField(Rubric, on_delete=models.CASCADE, related_name="publication")
    published_at = models.DateTimeField(auto_now_add=True)
    objections_until = models.DateTimeField(_("objections until"))
    others_totals = models.BooleanField(_("units see the others' totals"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return str(self.rubric)


class Objection(models.Model):
    """A unit's objection to its published result, and the office's answer."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="objections")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.reason[:20]}"


class Amendment(models.Model):
    """A correction of a unit's item after closing: the frozen score stays as it was; the
    sheet shows this row's points, and who changed them, when and why."""

    frozen = models.ForeignKey(FrozenScore, on_delete=models.PROTECT, related_name="amendments")
    before = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    after = models.DecimalField(max_digits=6, decimal_places=1, validators=NOT_NEGATIVE)
    reason = models.TextField(_("reason"))
    objection = models.ForeignKey(
        Objection, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.frozen}: {self.before} → {self.after}"
