from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


# States in which the office has something to review.
AWAITING_REVIEW = frozenset({State.SUBMITTED, State.RESUBMITTED})
# States in which the liaison may edit and (re)submit.
EDITABLE = frozenset({State.DRAFT, State.RETURNED})


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ReviewKind(models.TextChoices):
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")


class Channel(models.TextChoices):
    NOTICE = "notice", _("In-app notice")
    EMAIL = "email", _("E-mail")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    WECOM = "wecom", _("WeCom group robot")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Trying")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
