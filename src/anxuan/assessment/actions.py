"""What the assessment offers on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign
from anxuan.core.actions import Action


def campaign_setup_actions(
    person: Any, campaign: Campaign, context: dict[str, Any]
) -> list[Action]:
    """For the campaign's managers: its rubric and the scores."""
    if not person.has_perm("assessment.manage", campaign):
        return []
    return [Action(_("Assessment"), reverse("assessment:rubric", args=[campaign.pk]), order=47)]
