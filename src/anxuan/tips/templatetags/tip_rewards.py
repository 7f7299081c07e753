"""The reward line of a tip's page (tips/_reward.html), for those who may handle it."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template

from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.rules import has_role_over
from anxuan.tips import reward_tables, rewards
from anxuan.tips.models import Reward, Tip

register = template.Library()


@dataclass(frozen=True)
class RewardLine:
    reward: Reward | None
    verified: bool


@register.simple_tag
def reward_line(tip: Tip, user: Any) -> RewardLine | None:
    """The tip's reward and whether it may be recorded, when `user` works in the tip's
    handling office or above it; None for anyone else (the section is not shown)."""
    if not has_role_over(user, tip.office, OFFICE_ROLES):
        return None
    return RewardLine(Reward.objects.filter(tip=tip).first(), rewards.verified(tip))


@register.filter
def yuan(value: Decimal | None) -> str:
    """An amount as the reward pages write it (7 500, 1 234.50); blank for none."""
    return "" if value is None else reward_tables.yuan(value)
