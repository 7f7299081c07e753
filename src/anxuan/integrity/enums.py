from django.db import models
from django.utils.translation import gettext_lazy as _


class FlagKind(models.TextChoices):
    REUSED_PHOTO = "reused_photo", _("Reused photo")
    REUSED_VIDEO = "reused_video", _("Reused video")
    COPIED_TEXT = "copied_text", _("Copied text")
    TAKEN_OUTSIDE = "taken_outside", _("Photo taken outside the campaign")
    TAKEN_AFTER = "taken_after", _("Photo taken after the report was submitted")
    ACTIVITY_DATE = "activity_date", _("Photo date far from the activity")
    PLACE = "place", _("Photo taken far from the unit")
    SAME_FIGURES = "same_figures", _("The same figures week after week")
    FIGURES_CONTRADICT = "figures_contradict", _("Figures that contradict each other")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("To check")


class FlagState(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained by the unit")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class CheckState(models.TextChoices):
    CHECKED = "checked", _("Checked")
    FAILED = "failed", _("Could not check")
    SKIPPED = "skipped", _("Not a photo or video")


class TextSource(models.TextChoices):
    REPORT = "report", _("Report text")
    ACTIVITIES = "activities", _("Activity descriptions")
    SHARED = "shared", _("Shared material")
