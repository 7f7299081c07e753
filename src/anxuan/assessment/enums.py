from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    """How an item turns what a unit did into points (评分方式)."""

    DONE = "done", _("Done or not done")
    PER_COUNT = "per_count", _("Points per counted thing, capped")
    TIMELINESS = "timeliness", _("On time, a deduction per day late")
    REGULARITY = "regularity", _("A report every period, a deduction per missed period")
    TIERED = "tiered", _("Tiered deduction by occurrences")
    VETO = "veto", _("Veto (一票否决)")
    MANUAL = "manual", _("Scored by the assessor")


class RubricState(models.TextChoices):
    DRAFT = "draft", _("Being drawn up")
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")
