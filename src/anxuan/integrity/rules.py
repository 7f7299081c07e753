"""Who may see, explain and decide integrity flags (built on reports' and campaigns' rules).

- The organising office and its reviewers see a campaign's flags and decide them.
- A unit's liaison (and the office over the unit) sees the flags on the unit's reports and
  explains them.
- The other side of a match is shown in full only to someone with a role over the other
  item's unit; anyone else who may see the flag gets its thumbnail, year and level only
  (`sees_other_in_full`): a county office learns that another county used the photo, not
  whose report it was."""

from collections.abc import Callable
from typing import Any

import rules

from anxuan.campaigns.models import Campaign
from anxuan.campaigns.rules import can_manage_campaign
from anxuan.integrity.enums import FlagState
from anxuan.integrity.models import Flag
from anxuan.orgs.enums import OFFICE_ROLES, REVIEW_ROLES
from anxuan.orgs.models import Organization
from anxuan.orgs.rules import has_role_over, roles_over
from anxuan.reports.rules import can_report_for


def can_oversee_flags(person: Any, campaign: Campaign | None) -> bool:
    return campaign is not None and has_role_over(person, campaign.owner, REVIEW_ROLES)


def can_decide(person: Any, flag: Flag | None) -> bool:
    return flag is not None and can_oversee_flags(person, flag.campaign)


def can_explain(person: Any, flag: Flag | None) -> bool:
    return (
        flag is not None
        and flag.state in (FlagState.OPEN, FlagState.EXPLAINED)
        and bool(can_report_for(person, flag.submission))
    )


def can_view_flag(person: Any, flag: Flag | None) -> bool:
    return flag is not None and (
        can_oversee_flags(person, flag.campaign) or bool(can_report_for(person, flag.submission))
    )


def can_share_materials(person: Any, organization: Organization | None) -> bool:
    """An office shares posters and texts with the units below it."""
    return organization is not None and has_role_over(person, organization, OFFICE_ROLES)


def sees_other_in_full(person: Any, other_unit: Organization | None) -> bool:
    return other_unit is not None and bool(roles_over(person, other_unit))


def _add(name: str, check: Callable[[Any, Any], bool]) -> None:
    rules.add_perm(name, rules.predicate(check))  # type: ignore[no-untyped-call]


_add("integrity.oversee", can_oversee_flags)
_add("integrity.set_rules", lambda person, campaign: bool(can_manage_campaign(person, campaign)))
_add("integrity.decide", can_decide)
_add("integrity.explain", can_explain)
_add("integrity.view_flag", can_view_flag)
_add("integrity.share", can_share_materials)
