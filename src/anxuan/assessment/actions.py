"""What the assessment offers on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.assessment.enums import RubricState
from anxuan.campaigns.models import Campaign
from anxuan.campaigns.selectors import participants_of
from anxuan.core.actions import Action
from anxuan.orgs.enums import Role
from anxuan.orgs.rules import own_org_ids


def campaign_setup_actions(
    person: Any, campaign: Campaign, context: dict[str, Any]
) -> list[Action]:
    """For the campaign's managers: its rubric and the scores."""
    if not person.has_perm("assessment.manage", campaign):
        return []
    return [Action(_("Assessment"), reverse("assessment:rubric", args=[campaign.pk]), order=47)]


def self_score_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    """For a unit's liaison while the assessment is open: its self-score."""
    if not person.is_authenticated or getattr(campaign, "rubric", None) is None:
        return []
    if campaign.rubric.state != RubricState.OPEN:
        return []
    units = participants_of(campaign).filter(
        organization_id__in=own_org_ids(person, [Role.LIAISON])
    )
    return [
        Action(
            _("Self-score (%(unit)s)") % {"unit": unit.organization.name},
            reverse("assessment:self_score", args=[campaign.pk, unit.pk]),
            style="primary",
            order=20,
            id=f"self-score-{unit.pk}",
        )
        for unit in units.select_related("organization")
    ]
