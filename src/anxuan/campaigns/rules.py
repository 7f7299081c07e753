"""Campaign permissions, built on the organisation-tree checks of orgs.rules."""

import rules

from anxuan.campaigns.models import Campaign, Participant
from anxuan.orgs.enums import OFFICE_ROLES, REVIEW_ROLES, Role
from anxuan.orgs.rules import has_role_over, is_office_over, own_org_ids, roles_over, subtree_q


@rules.predicate
def can_manage_campaign(person, campaign: Campaign | None) -> bool:
    return campaign is not None and is_office_over(person, campaign.owner)


@rules.predicate
def can_view_campaign(person, campaign: Campaign | None) -> bool:
    """Anyone with a role over the organiser, or over one of the participating units."""
    if campaign is None:
        return False
    if roles_over(person, campaign.owner):
        return True
    return Participant.objects.filter(
        subtree_q(person, field="organization"), campaign=campaign
    ).exists()


@rules.predicate
def can_register_liaison(person, participant: Participant | None) -> bool:
    """The unit's own liaison, or the office over the unit."""
    if participant is None:
        return False
    return participant.organization_id in own_org_ids(person, [Role.LIAISON]) or has_role_over(
        person, participant.organization, OFFICE_ROLES
    )


@rules.predicate
def can_oversee(person, campaign: Campaign | None) -> bool:
    """The organising office and its reviewers see the board, the statistics table, the
    roll-up and the dashboard."""
    return campaign is not None and has_role_over(person, campaign.owner, REVIEW_ROLES)


rules.add_perm("campaigns.view_campaign", can_view_campaign)
rules.add_perm("campaigns.manage_campaign", can_manage_campaign)
rules.add_perm("campaigns.register_liaison", can_register_liaison)
rules.add_perm("campaigns.oversee", can_oversee)
