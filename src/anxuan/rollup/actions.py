"""What the roll-ups offer on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign
from anxuan.core.actions import Action


def campaign_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    if not person.has_perm("campaigns.oversee", campaign):
        return []
    args = [campaign.pk]
    found = [
        Action(_("Reporting board"), reverse("rollup:completeness_board", args=args), order=20),
        Action(
            _("Progress statistics table"), reverse("rollup:statistics_table", args=args), order=30
        ),
    ]
    if campaign.children.filter(archived=False).exists():
        url = reverse("rollup:rollup", args=args)
        found.append(Action(_("Roll-up of the levels below"), url, style="primary", order=60))
    if campaign.parent_id:
        url = reverse("rollup:report_upward", args=args)
        found.append(Action(_("Report to the parent campaign"), url, style="primary", order=70))
    return found
