"""What the assessment offers on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.assessment.enums import RubricState
from anxuan.assessment.models import Assessor
from anxuan.campaigns.models import Campaign
from anxuan.campaigns.selectors import participants_of
from anxuan.core.actions import Action
from anxuan.orgs.enums import OFFICE_ROLES, Role
from anxuan.orgs.rules import own_org_ids


def campaign_setup_actions(
    person: Any, campaign: Campaign, context: dict[str, Any]
) -> list[Action]:
    """For the campaign's managers: its rubric and the scores."""
    if not person.has_perm("assessment.manage", campaign):
        return []
    return [Action(_("Assessment"), reverse("assessment:rubric", args=[campaign.pk]), order=47)]


def unit_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    """For a unit's liaison or its own office (a county assessed in the city's campaign):
    its self-score while the assessment is open, its result once published."""
    rubric = getattr(campaign, "rubric", None) if person.is_authenticated else None
    if rubric is None:
        return []
    published = rubric.state == RubricState.CLOSED and hasattr(rubric, "publication")
    if rubric.state != RubricState.OPEN and not published:
        return []
    units = participants_of(campaign).filter(
        organization_id__in=own_org_ids(person, [Role.LIAISON, *OFFICE_ROLES])
    )
    label, view = (
        (_("Assessment result (%(unit)s)"), "assessment:result")
        if published
        else (_("Self-score (%(unit)s)"), "assessment:self_score")
    )
    return [
        Action(
            label % {"unit": unit.organization.name},
            reverse(view, args=[campaign.pk, unit.pk]),
            style="primary",
            order=20,
            id=f"assessment-{unit.pk}",
        )
        for unit in units.select_related("organization")
    ]


def home_actions(person: Any, obj: Any, context: dict[str, Any]) -> list[Action]:
    """For an assessor the office named: the units to assess in each open assessment."""
    if not person.is_authenticated:
        return []
    named = Assessor.objects.filter(person=person, rubric__state=RubricState.OPEN)
    return [
        Action(
            _("Assess: %(campaign)s") % {"campaign": a.rubric.campaign.title},
            reverse("assessment:assessing", args=[a.rubric.campaign_id]),
            style="primary",
            id=f"assessing-{a.rubric.campaign_id}",
        )
        for a in named.select_related("rubric__campaign")
    ]
