"""The export buttons on other apps' pages (core.actions): each starts a background job."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign
from anxuan.core.actions import Action


def _start(campaign: Campaign, label: str, order: int, kind: str, **fields: Any) -> Action:
    url = reverse("exports:export_start", args=[campaign.pk])
    values = {name: "" if value is None else str(value) for name, value in fields.items()}
    return Action(label, url, method="post", fields=values, button=("kind", kind), order=order)


def campaign_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    if not person.has_perm("campaigns.oversee", campaign):
        return []
    return [
        _start(campaign, _("Summary (.docx)"), 40, kind="summary"),
        _start(campaign, _("Evidence package (.zip)"), 50, kind="evidence"),
        Action(_("My exports"), reverse("exports:export_list"), style="small", order=80),
    ]


def board_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    fields = {"requirement": context.get("requirement"), "only": context.get("only")}
    return [_start(campaign, _("Export to Excel"), 10, kind="board", **fields)]


def statistics_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    action = _start(
        campaign, _("Download Excel"), 10, kind="statistics", basis=context.get("basis")
    )
    return [Action(**{**action.__dict__, "style": "primary", "id": "download-xlsx"})]
