"""The integrity app's own tables: what it found in reports' evidence and texts, the office's
rules for it, shared materials and the flags with their review. It reads reports and writes
only here (decision 0020)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.models import Campaign, Indicator, Participant
from anxuan.core.models import StoredFile
from anxuan.integrity.enums import CheckState, FlagKind, FlagState, Severity, TextSource
from anxuan.orgs.models import Organization
from anxuan.reports.models import Attachment, Submission, SubmissionVersion

MAX_RADIUS = 12


class Rules(models.Model):
    """What counts as suspicious in one campaign; made with the defaults on first use and
    changed by the organising office on the rules page."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="+")
    photo_radius = models.PositiveSmallIntegerField(
        _("photo match distance (bits of 64)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_RADIUS)],
    )
    video_frames = models.PositiveSmallIntegerField(
        _("matching frames that make a reused video"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    text_similarity = models.DecimalField(
        _("text similarity that flags a copy"),
        max_digits=3,
        decimal_places=2,
        default=0.8,
        validators=[MinValueValidator(0.7), MaxValueValidator(1)],
    )
    date_tolerance_days = models.PositiveSmallIntegerField(
        _("days a photo may be taken before or after the campaign"),
        default=7,
        validators=[MaxValueValidator(365)],
    )
    activity_tolerance_days = models.PositiveSmallIntegerField(
        _("days a photo may be taken away from its activity's date"),
        default=3,
        validators=[MaxValueValidator(365)],
    )
    distance_km = models.PositiveIntegerField(
        _("kilometres a photo may be taken from the unit"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    same_figures_periods = models.PositiveSmallIntegerField(
        _("periods in a row with the same figures that make a flag"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(52)],
    )
    reach_multiple = models.PositiveSmallIntegerField(
        _("people reached may be this many times the unit's population"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    shared_text = models.TextField(
        _("passages every unit may repeat (one a line)"),
        blank=True,
        help_text=_("Slogans and official wording; removed from texts before they are compared."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("integrity rules")
        verbose_name_plural = _("integrity rules")

    def __str__(self) -> str:
        return str(self.campaign)


class FigureBound(models.Model):
    """Within one report, indicator `lesser` may not exceed indicator `greater` (trainees and
    participants, say)."""

    rules = models.ForeignKey(Rules, on_delete=models.CASCADE, related_name="bounds")
    lesser = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    greater = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rules", "lesser", "greater"], name="bound_once"),
            models.CheckConstraint(condition=~Q(lesser=models.F("greater")), name="bound_two"),
        ]

    def __str__(self) -> str:
        return f"{self.lesser} ≤ {self.greater}"


class UnitPlace(models.Model):
    """Where a unit is and how many people it has, when the office knows."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    def __str__(self) -> str:
        return str(self.organization)


class SharedMaterial(StoredFile):
    """An official poster, photo or text an office hands out: evidence that matches it is
    not a copy of another unit's. A text-only material has no file (kind "text")."""

    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta(StoredFile.Meta):
        ordering = ["-added_at", "-id"]
        indexes = [StoredFile.unprocessed_index("integrity_material_unprocessed")]
        verbose_name = _("shared material")
        verbose_name_plural = _("shared materials")


class EvidenceCheck(models.Model):
    """The integrity worker's result for one attachment or shared material."""

    attachment = models.OneToOneField(
        Attachment, on_delete=models.CASCADE, null=True, related_name="+"
    )
    material = models.OneToOneField(
        SharedMaterial, on_delete=models.CASCADE, null=True, related_name="+"
    )
    state = models.CharField(max_length=8, choices=CheckState.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(attachment__isnull=True) ^ Q(material__isnull=True),
                name="check_of_one_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.state}: {self.reason}"


class Fingerprint(models.Model):
    """A 64-bit perceptual hash of one view of a photo or one frame of a video. The lookup
    finds values through FingerprintBucket and then these rows by value (integrity.index,
    decision 0020)."""

    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, related_name="+"
    )
    material = models.ForeignKey(
        SharedMaterial, on_delete=models.CASCADE, null=True, related_name="+"
    )
    role = models.CharField(max_length=5)  # fingerprints.STORED_ROLES
    value = models.BigIntegerField()
    at = models.FloatField(null=True)  # a frame's time in seconds

    class Meta:
        indexes = [models.Index(fields=["value", "role"], name="fingerprint_value")]
        constraints = [
            models.CheckConstraint(
                condition=Q(attachment__isnull=True) ^ Q(material__isnull=True),
                name="fingerprint_of_one_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.value:#x}"


class FingerprintBucket(models.Model):
    """One posting list of the multi-index lookup: the values of the fingerprints of the
    roles of family `key >> 18` whose 16-bit part `(key >> 16) & 3` is `key & 0xFFFF`, 8
    bytes each (big-endian, signed). A key has
    one row per batch of fingerprints stored until index.compact merges them into one;
    a value whose fingerprints were deleted stays until index.rebuild (the lookup fetches
    rows by value, so it finds nothing). Decision 0020."""

    key = models.IntegerField(db_index=True)
    entries = models.BinaryField()

    def __str__(self) -> str:
        family, part = self.key >> 18, (self.key >> 16) & 3
        return f"family {family}, part {part} = {self.key & 0xFFFF:#06x}: {len(self.entries) // 8}"


class TextPrint(models.Model):
    """The MinHash signature of a version's report text or of its activity descriptions, or
    of a shared text; its band keys are TextBand rows."""

    source = models.CharField(max_length=10, choices=TextSource.choices)
    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.CASCADE, null=True, related_name="+"
    )
    material = models.ForeignKey(
        SharedMaterial, on_delete=models.CASCADE, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(null=True)
    values = models.BinaryField()  # fingerprints.NUM_PERM little-endian uint32
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "source"], name="textprint_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.version_id or self.material_id}"


class TextBand(models.Model):
    """One band key of a text signature: texts sharing a key are candidates for a copy."""

    text = models.ForeignKey(TextPrint, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()

    class Meta:
        # With the text: a lookup counts shared keys per text from the index alone.
        indexes = [models.Index(fields=["key", "text"], name="textband_key")]

    def __str__(self) -> str:
        return f"{self.key:#x}"


class Flag(models.Model):
    """Something in a report that looks like formalism, for the office to confirm or
    dismiss. `pair` names the two items (or the one item and the check) so that the same
    finding is never raised twice: a dismissed pair never comes back."""

    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=FlagState.choices, default=FlagState.OPEN
    )
    pair = models.CharField(max_length=120, unique=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="+")
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_version = models.ForeignKey(
        SubmissionVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text_source = models.CharField(max_length=10, choices=TextSource.choices, blank=True)
    score = models.FloatField(_("score"), default=0)  # bits apart, or the texts' exact similarity
    details = models.JSONField(default=dict, blank=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("integrity flag")
        verbose_name_plural = _("integrity flags")
        indexes = [models.Index(fields=["campaign", "state"], name="flag_campaign_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[FlagState.OPEN, FlagState.EXPLAINED])
                | ~Q(decision_reason=""),
                name="flag_decision_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.participant}"


class Explanation(models.Model):
    """The unit's answer (申辩) to a flag, with new evidence if it has some."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="explanations")
    text = models.TextField(_("explanation"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ExplanationFile(StoredFile):
    explanation = models.ForeignKey(Explanation, on_delete=models.CASCADE, related_name="files")

    class Meta(StoredFile.Meta):
        ordering = ["id"]
        indexes = [StoredFile.unprocessed_index("integrity_proof_unprocessed")]


class Rebuild(models.Model):
    """The one backfill run (`anxuan integrity --rebuild`): its cursor and progress."""

    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # the last batch finished
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"
