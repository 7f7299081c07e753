from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    STATISTICS = "statistics", _("Progress statistics table (.xlsx)")
    BOARD = "board", _("Reporting board (.xlsx)")
    SUMMARY = "summary", _("Summary (.docx)")
    EVIDENCE = "evidence", _("Evidence package (.zip)")
    ASSESSMENT = "assessment", _("Scoring tables (.xlsx)")
    RESULTS = "results", _("Assessment results notice (.docx)")


class JobState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("in progress")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)
