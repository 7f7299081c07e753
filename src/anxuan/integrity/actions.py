"""What the integrity app offers on other apps' pages (core.actions)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign
from anxuan.core.actions import Action
from anxuan.integrity import selectors


def campaign_setup_actions(
    person: Any, campaign: Campaign, context: dict[str, Any]
) -> list[Action]:
    """For the campaign's managers: the rules of the integrity checks; for those who
    oversee it: the evidence the checks could not read."""
    found = []
    if person.has_perm("integrity.set_rules", campaign):
        found.append(
            Action(_("Integrity rules"), reverse("integrity:rules", args=[campaign.pk]), order=45)
        )
    if person.has_perm("integrity.oversee", campaign):
        found.append(
            Action(
                _("Evidence not checked"),
                reverse("integrity:unchecked", args=[campaign.pk]),
                order=46,
            )
        )
    return found


def campaign_actions(person: Any, campaign: Campaign, context: dict[str, Any]) -> list[Action]:
    """For the office and reviewers: the campaign's suspected formalism."""
    if not person.has_perm("integrity.oversee", campaign):
        return []
    url = reverse("integrity:flag_list", args=[campaign.pk])
    return [Action(_("Suspected formalism"), url, order=45, id="integrity-flags")]


def home_actions(person: Any, obj: Any, context: dict[str, Any]) -> list[Action]:
    """For a unit with flags on its reports: the list, with how many wait for an answer."""
    if not person.is_authenticated:
        return []
    waiting = selectors.own_flags(person).filter(state__in=selectors.OPEN_STATES).count()
    if not waiting:
        return []
    label = _("Suspected formalism to explain (%(n)d)") % {"n": waiting}
    return [Action(label, reverse("integrity:own_flags"), style="primary", id="own-flags")]
