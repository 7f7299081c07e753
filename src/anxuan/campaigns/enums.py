from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    SAFETY_MONTH = "safety_month", _("Safety Production Month")
    SEVEN_DOMAINS = "seven_domains", _("Seven-domain (七进) annual campaign")
    MEDIA_TOUR = "media_tour", _("Media tour")
    CUSTOM = "custom", _("Custom campaign")


class RequirementKind(models.TextChoices):
    LIAISON_FORM = "liaison_form", _("Liaison form")
    PLAN = "plan", _("Activity plan")
    WEEKLY = "weekly", _("Weekly report")
    ADHOC = "adhoc", _("Ad-hoc information")
    PHASE = "phase", _("Phase report")
    SUMMARY = "summary", _("Summary report")
    STATISTICS = "statistics", _("Progress statistics table")
    OTHER = "other", _("Other")


class Schedule(models.TextChoices):
    ONCE = "once", _("Once, by a due time")
    WEEKLY = "weekly", _("Every week, on a weekday and hour")
    ANYTIME = "anytime", _("Any time during the campaign")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    MAX = "max", _("Maximum")
    LATEST = "latest", _("Latest value")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photos")
    VIDEO = "video", _("Audio / video")
    DOCUMENT = "document", _("Documents")
    CLIPPING = "clipping", _("Press clippings")
    SCREENSHOT = "screenshot", _("Web / phone screenshots")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
