"""Who may draw up a campaign's rubric and see its scores: the organising office (the
campaign's managers). Liaisons' self-scores and named assessors come with their pages."""

from typing import Any

import rules

from anxuan.campaigns.models import Campaign
from anxuan.campaigns.rules import can_manage_campaign


def can_manage_rubric(person: Any, campaign: Campaign | None) -> bool:
    return bool(can_manage_campaign(person, campaign))


rules.add_perm("assessment.manage", rules.predicate(can_manage_rubric))  # type: ignore[no-untyped-call]
