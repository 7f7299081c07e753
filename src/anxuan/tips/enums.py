from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a tip reports (the national 举报 categories)."""

    MAJOR_HAZARD = "major_hazard", _("Major accident hazard")
    ILLEGAL_OPERATION = "illegal_operation", _("Illegal production, operation or construction")
    CONCEALED_ACCIDENT = "concealed_accident", _("Concealed or falsely reported accident")
    OTHER_VIOLATION = "other_violation", _("Other safety violation")


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    PHONE = "phone", _("Phone (12350)")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")


class State(models.TextChoices):
    """Where a tip stands; handling (accepting, verifying, replying) moves it on."""

    RECEIVED = "received", _("Received")
