"""What the integrity app offers on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign
from anxuan.core.actions import Action


def campaign_setup_actions(
    person: Any, campaign: Campaign, context: dict[str, Any]
) -> list[Action]:
    """For the campaign's managers: the rules of the integrity checks; for those who
    oversee it: the evidence the checks could not read."""
    found = []
    if person.has_perm("integrity.set_rules", campaign):
        found.append(
            Action(_("Integrity rules"), reverse("integrity:rules", args=[campaign.pk]), order=45)
        )
    if person.has_perm("integrity.oversee", campaign):
        found.append(
            Action(
                _("Evidence not checked"),
                reverse("integrity:unchecked", args=[campaign.pk]),
                order=46,
            )
        )
    return found
