from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change made by a person, by the public (no actor, an address hash) or by the
    system (neither). Never edited."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # For calls from the public (no actor): HMAC-SHA256 of the caller's address with the
    # SECRET_KEY, so calls from one address can be told apart without keeping the address.
    address_hash = models.CharField(_("address hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Notice(models.Model):
    """An in-app message to one person: a reminder, a returned report."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_notice"  # created by reports 0003; moved here without copying
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text


class StoredFile(models.Model):
    """What the app knows of a file kept in storage under its SHA-256 (see core.files): the
    type decided from its content, its size, and for photos the picture size, the EXIF
    taken-at time and a thumbnail (filled in by core.tasks.process_stored_file, which a
    sweeper queues again when a worker died before it finished).

    Abstract: each app's file model (a report's attachment, a tip's photo …) inherits these
    fields and adds its own links. A subclass may narrow `kind` with choices."""

    kind = models.CharField(_("kind"), max_length=10)  # core.files: photo, video, document
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    storage_name = models.CharField(max_length=200)
    size = models.BigIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    thumbnail = models.CharField(max_length=200, blank=True)
    # Processing after upload (decision 0019): a row still unprocessed this long after it
    # was queued is queued again by the sweeper, until `process_attempts` runs were started.
    queued_at = models.DateTimeField(default=timezone.now)
    process_attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        # The sweeper's query every minute: only the few rows not yet processed are indexed.
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(processed_at=None),
                name="%(app_label)s_%(class)s_unprocessed",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def unprocessed_index(name: str) -> models.Index:
        """The index above under a name of one's own, for a subclass whose app label and
        class name make the default longer than the 30 characters Django allows."""
        return models.Index(fields=["queued_at"], condition=models.Q(processed_at=None), name=name)
