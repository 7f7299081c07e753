"""What the reports offer on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Campaign, Participant
from anxuan.core.actions import Action


def participant_actions(
    person: Any, participant: Participant, context: dict[str, Any]
) -> list[Action]:
    """A button per ad-hoc requirement ("any time"): report an item for the unit."""
    url = reverse("reports:report_new")
    return [
        Action(
            _("Report: %(t)s") % {"t": r.title},
            f"{url}?participant={participant.pk}&requirement={r.pk}",
        )
        for r in context.get("requirements", [])
        if r.schedule == Schedule.ANYTIME
    ]


def campaign_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    """For those who oversee the campaign: which reminders reached whom."""
    if not person.has_perm("campaigns.oversee", campaign):
        return []
    url = reverse("reports:reminder_deliveries", args=[campaign.pk])
    return [Action(_("Reminder deliveries"), url, order=40)]
