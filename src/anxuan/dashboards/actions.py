"""What the dashboards offer on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign
from anxuan.core.actions import Action


def campaign_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    if not person.has_perm("campaigns.oversee", campaign):
        return []
    url = reverse("dashboards:dashboard", args=[campaign.pk])
    return [Action(_("Dashboard"), url, style="primary", order=10)]
