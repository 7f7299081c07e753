"""Export jobs: a file the office asked for, made by the background worker."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.models import Campaign
from anxuan.exports.enums import UNFINISHED, ExportKind, JobState


class ExportJob(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="export_jobs", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ExportKind.choices)
    options = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=8, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)  # in the default storage
    size = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The lease (decision 0019): while the job is unfinished, someone must show life for it
    # before this time (the queue by running it, the worker by its progress), or the sweeper
    # queues it again. `attempts` counts the runs started.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_mine")]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def lease_expired(self, now: datetime) -> bool:
        """True for an unfinished job nobody has shown life for within its lease."""
        return self.state in UNFINISHED and (self.lease_until is None or self.lease_until < now)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
