from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.enums import (
    WEEKDAYS,
    Aggregation,
    CampaignKind,
    EvidenceKind,
    RequirementKind,
    Schedule,
)
from anxuan.core.robots import validate_robot_url
from anxuan.orgs.models import Organization


def evidence_labels(codes: list[str]) -> str:
    labels = dict(EvidenceKind.choices)
    return "、".join(str(labels.get(code, code)) for code in codes)


# The evidence kinds a requirement can ask a minimum of: those Anxuan tells apart from a
# file's content (core.files). Clippings and screenshots arrive as photos or documents.
MINIMUM_FIELDS: dict[str, str] = {
    EvidenceKind.PHOTO: "min_photos",
    EvidenceKind.VIDEO: "min_videos",
    EvidenceKind.DOCUMENT: "min_documents",
}


def evidence_count_text(kind: str, n: int) -> str:
    """ "2 张图片", "1 个音视频", "3 份文档": a number of files of one kind."""
    if kind == EvidenceKind.PHOTO:
        return ngettext("%(n)d photo", "%(n)d photos", n) % {"n": n}
    if kind == EvidenceKind.VIDEO:
        return ngettext("%(n)d audio or video file", "%(n)d audio or video files", n) % {"n": n}
    return ngettext("%(n)d document", "%(n)d documents", n) % {"n": n}


LINEAGE_WIDTH = 10


def _check_ordered(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})


class Indicator(models.Model):
    """A column of a statistics table, from a catalogue shared by all (owner empty) or kept
    by one office."""

    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by"),
    )
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("e.g. 块, 份, 人次, 场, 条, 处"))
    category = models.CharField(_("category"), max_length=30, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        # Name and unit identify an indicator: 宣讲团宣讲（支） and 宣讲团宣讲（场） are two.
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name", "unit"],
                name="indicator_unique_name_unit",
                violation_error_message=_("There is already an indicator of this name and unit."),
            ),
            models.UniqueConstraint(
                fields=["name", "unit"],
                condition=Q(owner__isnull=True),
                name="indicator_unique_shared_name_unit",
                violation_error_message=_("There is already an indicator of this name and unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    def clean(self) -> None:
        """A duplicate named on the name field, with the indicator it repeats (the
        constraints, checked after this, then skip the field)."""
        same = Indicator.objects.filter(owner=self.owner, name=self.name, unit=self.unit)
        if self.name and self.unit and same.exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "name": _(
                        "There is already an indicator “%(indicator)s” of this name and unit."
                    )
                    % {"indicator": self}
                }
            )


class Campaign(models.Model):
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organising organisation"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent campaign"),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices)
    title = models.CharField(_("title"), max_length=120)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    office_name = models.CharField(_("organising office"), max_length=100, blank=True)
    committee = models.TextField(_("organising committee"), blank=True)
    description = models.TextField(_("description"), blank=True)
    indicators = models.ManyToManyField(
        Indicator,
        through="CampaignIndicator",
        related_name="campaigns",
        blank=True,
        verbose_name=_("statistics indicators"),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("remind hours before a deadline"),
        default=24,
        help_text=_(
            "Units that have not submitted are reminded this many hours before each "
            "due time; 0 turns it off."
        ),
    )
    remind_missed = models.BooleanField(_("remind after a missed deadline"), default=True)
    webhook_url = models.URLField(
        _("group robot webhook"),
        blank=True,
        validators=[validate_robot_url],
        help_text=_("DingTalk or WeCom group robot address; reminders are posted there too."),
    )
    robot_secret = models.CharField(
        _("group robot signing secret"),
        max_length=100,
        blank=True,
        help_text=_(
            "For a DingTalk robot with the “加签” security setting: the secret it shows "
            "(SEC…). Leave empty otherwise."
        ),
    )
    archived = models.BooleanField(_("archived"), default=False)
    # The ids from the top campaign down to this one, each as LINEAGE_WIDTH digits and a
    # dot: roll-ups find everything below a campaign by prefix and group by the next id.
    lineage = models.CharField(max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-starts_on", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_period_ordered",
                violation_error_message=_("The end is before the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        above = Campaign.objects.get(pk=self.parent_id).lineage if self.parent_id else ""
        lineage = f"{above}{self.pk:0{LINEAGE_WIDTH}d}."
        if lineage != self.lineage:
            self.lineage = lineage
            Campaign.objects.filter(pk=self.pk).update(lineage=lineage)

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", args=[self.pk])

    def clean(self) -> None:
        _check_ordered(self.starts_on, self.ends_on)


class CampaignIndicator(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator"],
                name="campaign_indicator_once",
                violation_error_message=_("This indicator is already a column of the campaign."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.indicator_id}"


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("what is done"), blank=True)
    evidence = models.JSONField(_("evidence kinds"), default=list, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="phase_period_ordered",
                violation_error_message=_("The end is before the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _check_ordered(self.starts_on, self.ends_on)

    @property
    def evidence_text(self) -> str:
        return evidence_labels(self.evidence)


class ActivityType(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activity_types")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="activity_type_unique",
                violation_error_message=_("This activity type is already listed."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TargetDomain(models.Model):
    """One of the 七进 / 五进 domains publicity goes into (enterprises, schools ...)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="domain_unique",
                violation_error_message=_("This domain is already listed."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """Something every participant must submit, with its deadline rule."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requirements")
    phase = models.ForeignKey(
        Phase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirements",
        verbose_name=_("phase"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequirementKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("instructions"), blank=True)
    schedule = models.CharField(_("deadline rule"), max_length=8, choices=Schedule.choices)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, choices=WEEKDAYS
    )
    due_time = models.TimeField(_("due hour"), null=True, blank=True)
    repeat_from = models.DateField(_("first day"), null=True, blank=True)
    repeat_until = models.DateField(_("last day"), null=True, blank=True)
    # At least this many files of each kind before a report may be submitted (0: none).
    min_photos = models.PositiveSmallIntegerField(_("at least this many photos"), default=0)
    min_videos = models.PositiveSmallIntegerField(
        _("at least this many audio or video files"), default=0
    )
    min_documents = models.PositiveSmallIntegerField(_("at least this many documents"), default=0)
    opens_days_early = models.PositiveSmallIntegerField(
        _("accept reports days before a period opens"),
        default=0,
        help_text=_(
            "0: a report for a period is accepted from the period's opening; N: from N days "
            "before it."
        ),
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name=_("indicators collected")
    )
    order = models.PositiveSmallIntegerField(default=0)
    # The parent campaign's requirement this one carries down (a linked campaign): it may
    # not be dropped, and its deadlines may only be earlier than the parent's.
    inherited_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="inherited_by"
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(schedule=Schedule.ONCE) | Q(due_at__isnull=False),
                name="requirement_once_has_due",
                violation_error_message=_("A one-time report needs its due time."),
            ),
            models.CheckConstraint(
                condition=~Q(schedule=Schedule.WEEKLY)
                | Q(
                    weekday__isnull=False,
                    due_time__isnull=False,
                    repeat_from__isnull=False,
                    repeat_until__gte=F("repeat_from"),
                ),
                name="requirement_weekly_complete",
                violation_error_message=_(
                    "A weekly report needs its weekday, time, first and last day, the last "
                    "not before the first."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def evidence_minimums(self) -> dict[str, int]:
        """{evidence kind: at least how many}, of the kinds asked for, in MINIMUM_FIELDS order."""
        found = {kind: getattr(self, field) for kind, field in MINIMUM_FIELDS.items()}
        return {kind: n for kind, n in found.items() if n}

    @property
    def evidence_text(self) -> str:
        """ "至少 2 张图片、1 个音视频", or "" when no attachment is required."""
        parts = [evidence_count_text(k, n) for k, n in self.evidence_minimums.items()]
        return gettext("at least %(what)s") % {"what": "、".join(parts)} if parts else ""

    @property
    def rule_text(self) -> str:
        if self.schedule == Schedule.ONCE and self.due_at:
            return gettext("due %(when)s") % {
                "when": formats.date_format(
                    timezone.localtime(self.due_at), "SHORT_DATETIME_FORMAT"
                )
            }
        if self.schedule == Schedule.WEEKLY and self.due_time is not None:
            return gettext("every %(day)s %(hour)s, %(from)s – %(until)s") % {
                "day": self.get_weekday_display(),
                "hour": self.due_time.strftime("%H:%M"),
                "from": formats.date_format(self.repeat_from, "SHORT_DATE_FORMAT"),
                "until": formats.date_format(self.repeat_until, "SHORT_DATE_FORMAT"),
            }
        return gettext("any time during the campaign")


class Period(models.Model):
    """One due time of a requirement, expanded from its rule."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField()
    opens_at = models.DateTimeField(_("opens at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "number"],
                name="period_number_unique",
                violation_error_message=_("This period number is already taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.requirement.schedule == Schedule.WEEKLY:
            return gettext("Week %(n)d") % {"n": self.number}
        return self.requirement.title


class Participant(models.Model):
    """An organisation taking part in a campaign, and the liaison it registered."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("unit"),
    )
    joined_on = models.DateField(_("joined on"))
    liaison_name = models.CharField(_("liaison name"), max_length=50, blank=True)
    liaison_title = models.CharField(_("position"), max_length=50, blank=True)
    liaison_mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    liaison_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    liaison_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("liaison registered at"), null=True, blank=True)

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                name="participant_once",
                violation_error_message=_("This unit already takes part in the campaign."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)
