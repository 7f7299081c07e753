"""Submissions and their immutable versions.

A Submission is what one participant hands in for one period of a requirement (or, for
"any time" requirements, one item among many). Its editable draft lives on the submission;
every submit freezes the draft into a new SubmissionVersion that is never changed again.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.enums import EvidenceKind
from anxuan.campaigns.models import Campaign, Indicator, Participant, Period, Requirement
from anxuan.core.models import StoredFile
from anxuan.reports.enums import Channel, DeliveryState, ReviewKind, State, Timeliness


class Submission(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("unit")
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("requirement"),
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("period"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    important = models.BooleanField(_("important"), default=False)
    # The draft being edited: {"text": str, "activities": [...], "values": {indicator id: str}}
    draft = models.JSONField(default=dict, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=8, choices=Timeliness.choices, blank=True
    )
    # The one-time token of the form that started an ad-hoc item: a double click or a
    # retry of that form finds this submission instead of starting a second one.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "period"],
                condition=Q(period__isnull=False),
                name="submission_once_per_period",
            ),
            # Judged against the period's due time; an ad-hoc item (no period) has none.
            models.CheckConstraint(
                condition=Q(first_submitted_at__isnull=True)
                | (Q(period__isnull=True) & Q(timeliness=""))
                | (Q(period__isnull=False) & ~Q(timeliness="")),
                name="submission_timeliness_of_periods",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.requirement}"


class Attachment(StoredFile):
    """An evidence file uploaded for a submission. The bytes live in storage under their
    SHA-256 (the stored-file fields come from core.StoredFile); the row is never deleted.
    `in_draft` says whether the current draft still includes it; versions keep the
    attachments they were submitted with."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    in_draft = models.BooleanField(default=True)
    highlight = models.BooleanField(_("highlight for the summary"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta(StoredFile.Meta):
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class SubmissionVersion(models.Model):
    """What was handed in at one submit. Never updated or deleted."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("report"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attachments = models.ManyToManyField(Attachment, related_name="versions", blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


class ActivityRecord(models.Model):
    """One activity reported in a version. Type and domain are kept as the names the
    liaison chose, so later edits of the campaign's lists never change a past report."""

    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.PROTECT, related_name="activities"
    )
    held_on = models.DateField(_("date"))
    # Empty when the campaign defines no activity types.
    activity_type = models.CharField(_("activity type"), max_length=40, blank=True)
    domain = models.CharField(_("domain"), max_length=40, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    description = models.CharField(_("what happened"), max_length=300, blank=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.activity_type}"


class IndicatorValue(models.Model):
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "indicator"], name="value_once_per_version"),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Review(models.Model):
    """The office's decision on one version: accepted, or returned with a reason."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=ReviewKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ReviewKind.RETURN) | ~Q(reason=""), name="return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.submission}"


class ReminderSent(models.Model):
    """One reminder decided; the unique key makes a second one for the same period, unit
    (or group robot) and kind impossible, even from two workers at once. Whether it reached
    each recipient is in its deliveries, which are tried again on failure."""

    key = models.CharField(max_length=80, unique=True)  # "<kind>:<period id>:<participant|group>"
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key

    @property
    def kind(self) -> str:
        """ "before" (the deadline) or "missed"."""
        return self.key.partition(":")[0]


class Delivery(models.Model):
    """One message to one recipient through one channel, and what came of it: an in-app
    notice is delivered at once; e-mail and group robots are tried by the worker, again
    after a failure with growing pauses, until one try succeeds or the last fails
    (reports.deliveries). `answer` and `code` are the last try's."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    reminder = models.ForeignKey(
        ReminderSent, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )  # None: the campaign's group robot
    address = models.CharField(_("address"), max_length=254, blank=True)
    text = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        _("outcome"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    tried_at = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)  # while pending

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="delivery_campaign_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False)
                | Q(channel__in=[Channel.DINGTALK, Channel.WECOM]),
                name="delivery_to_a_person_or_robot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address} {self.get_state_display()}"


class AnnouncedUpload(models.Model):
    """A file announced for a draft before its bytes arrive (resumable and direct uploads):
    whose, for which report, until when, and the attachment it became."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attachment = models.OneToOneField(
        Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class ResumableUpload(AnnouncedUpload):
    """A large file arriving in pieces (tus 1.0): the bytes received so far wait in storage as
    pieces (reports.resumable) until `offset` reaches `length`; then the file is checked and
    attached to the draft like any upload, and the pieces are removed. `writer` holds the
    upload for one request at a time, on whichever node, until `writing_until`."""

    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    writer = models.UUIDField(null=True, blank=True, editable=False)
    writing_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AnnouncedUpload.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(offset__gte=0) & Q(offset__lte=models.F("length")),
                name="upload_offset_within_length",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.offset}/{self.length}"


class DirectUpload(AnnouncedUpload):
    """A file a phone sends straight to the object store with a presigned PUT (core.direct):
    announced with its size and SHA-256, checked by content when the phone says it has
    arrived, then attached to the draft like any upload. Unfinished ones expire with their
    object."""

    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.filename} ({self.size})"

    @property
    def object_name(self) -> str:
        from anxuan.core.direct import DIRECT

        return f"{DIRECT}/{self.pk}"


class PeriodTally(models.Model):
    """Maintained roll-up counts of one period of one campaign, over the participants that
    report themselves (not those running a linked campaign below it): kept current by the
    report and campaign services (reports.tally), read by roll-ups of campaigns above.

    `chain` and `number` say which period of any campaign above this one it counts towards
    (the top of its requirement's inherited chain, and the period number); `lineage` is the
    campaign's, so everything below a campaign is one indexed prefix range."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, primary_key=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    lineage = models.CharField(max_length=255)
    chain = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    units = models.PositiveIntegerField(default=0)  # reporting themselves, joined or not
    expected = models.PositiveIntegerField(default=0)  # joined by the due date
    reported = models.PositiveIntegerField(default=0)
    timely = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)

    class Meta:
        # Pattern operators so PostgreSQL serves `lineage LIKE 'prefix%'` whatever the collation.
        indexes = [
            models.Index(
                fields=["lineage", "due_at"],
                name="tally_lineage_due",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.lineage} #{self.number}: {self.reported}/{self.expected}"


class FigureTally(models.Model):
    """Maintained figures of one period of one campaign, beside PeriodTally: indicator totals
    of accepted reports ("i:<indicator id>"), and activities ("a"), people reached ("p"),
    activities by type ("t:<type>") and by domain ("d:<domain>") of submitted reports, each
    from the latest version."""

    # No index of their own: the unique (period, metric) serves lookups by period, and a
    # chain is only ever deleted with its requirement. Fewer indexes, faster rebuilds.
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    lineage = models.CharField(max_length=255)
    chain = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    number = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "metric"], name="figure_once_per_period")
        ]
        indexes = [
            models.Index(
                fields=["lineage", "metric"],
                name="figure_lineage_metric",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.lineage} #{self.number} {self.metric}={self.value}"
