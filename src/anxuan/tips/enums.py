from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a tip reports (the national 举报 categories)."""

    MAJOR_HAZARD = "major_hazard", _("Major accident hazard")
    ILLEGAL_OPERATION = "illegal_operation", _("Illegal production, operation or construction")
    CONCEALED_ACCIDENT = "concealed_accident", _("Concealed or falsely reported accident")
    OTHER_VIOLATION = "other_violation", _("Other safety violation")


class Sector(models.TextChoices):
    """The field a tip is about (行业领域): whether the office handles it or transfers it."""

    INDUSTRY_TRADE = "industry_trade", _("Industry and trade")
    MINING = "mining", _("Mining")
    HAZCHEM = "hazchem", _("Hazardous chemicals")
    FIREWORKS = "fireworks", _("Fireworks")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    CONSTRUCTION = "construction", _("Construction")
    GAS = "gas", _("Town gas")
    FIRE = "fire", _("Fire safety")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    PHONE = "phone", _("Phone (12350)")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")


class State(models.TextChoices):
    """Where a tip stands, from receipt to the end (tips.handling moves it on)."""

    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Accepted, being verified")
    REFUSED = "refused", _("Not accepted")
    TRANSFERRED = "transferred", _("Transferred")
    CLOSED = "closed", _("Verified, reply due")
    REPLIED = "replied", _("Replied")
    OBJECTED = "objected", _("Objection, being re-examined")
    FINAL = "final", _("Re-examined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged into another tip")


OPEN_STATES = frozenset({State.RECEIVED, State.VERIFYING, State.CLOSED, State.OBJECTED})


class RefusalGround(models.TextChoices):
    """Why a tip is not accepted (不予受理), the national list."""

    ALREADY_ACCEPTED = "already_accepted", _("Already accepted (the same matter)")
    NO_FACTS = "no_facts", _("No clear target or facts")
    NOT_A_TIP = (
        "not_a_tip",
        _("Not a tip: advice, a request for information disclosure, a review or a lawsuit"),
    )
    OUTSIDE_REMIT = "outside_remit", _("Outside industry, mining, commerce and trade")


class Extension(models.TextChoices):
    """The one extension of verification a tip may have, approved by the level above."""

    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Reexamination(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    REVISED = "revised", _("Revised")


class EventKind(models.TextChoices):
    """A step in a tip's history; some are told to the reporter (TipEvent.to_reporter)."""

    FILED = "filed", _("Filed")
    ACCEPTED = "accepted", _("Tip accepted")
    REFUSED = "refused", _("Not accepted")
    TRANSFERRED = "transferred", _("Transferred")
    ASSIGNED = "assigned", _("Assigned down")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    CLOSED = "closed", _("Verification closed")
    REPLIED = "replied", _("Replied")
    OBJECTED = "objected", _("Objection")
    REEXAMINED = "reexamined", _("Re-examined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")
    MESSAGE = "message", _("Message")
    EVIDENCE = "evidence", _("Evidence added")
    RECOVERED = "recovered", _("Receipt recovered")
    EXPOSED = "exposed", _("Marked for media exposure")
    REWARD = "reward", _("Reward")


class RewardMethod(models.TextChoices):
    """How a reward rule computes an amount."""

    NONE = "none", _("No reward")
    PERCENT_OF_FINE = "percent_of_fine", _("Percentage of the fine, with minimum and maximum")
    PER_DEATH = "per_death", _("Fixed amount per concealed death by accident grade, capped")
    FIXED = "fixed", _("Fixed amount, with a monthly cap per reporter")


class AccidentGrade(models.TextChoices):
    GENERAL = "general", _("General accident")
    LARGER = "larger", _("Larger accident")
    MAJOR = "major", _("Major accident")
    ESPECIALLY_MAJOR = "especially_major", _("Especially major accident")


class RewardState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NOTIFIED = "notified", _("Notice issued, to be claimed")
    CLAIMED = "claimed", _("Claimed")
    PAID = "paid", _("Paid")
    LAPSED = "lapsed", _("Lapsed (not claimed in time)")
