"""Campaigns and participants are fetched and authorised in one step: 404 for missing or
unseen, 403 for seen but not allowed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from anxuan.campaigns.selectors import get_campaign_for, get_participant_for


def test_a_missing_campaign_and_another_countys_are_both_404(county):
    with pytest.raises(Http404):
        get_campaign_for(county.office_admin, county.campaign.pk + 1000)
    with pytest.raises(Http404):
        get_campaign_for(county.outsider, county.campaign.pk)
    with pytest.raises(Http404):
        get_campaign_for(county.outsider, county.campaign.pk, perm="campaigns.manage_campaign")


def test_a_campaign_seen_without_the_permission_is_403(county):
    assert get_campaign_for(county.town_liaison, county.campaign.pk) == county.campaign
    with pytest.raises(PermissionDenied):
        get_campaign_for(county.town_liaison, county.campaign.pk, perm="campaigns.manage_campaign")
    with pytest.raises(PermissionDenied):
        get_campaign_for(county.town_liaison, county.campaign.pk, perm="campaigns.oversee")


def test_the_office_manages_its_campaign(county):
    found = get_campaign_for(
        county.office_admin, county.campaign.pk, perm="campaigns.manage_campaign"
    )

    assert found == county.campaign


def test_a_participant_by_id_alone_is_404_unless_the_person_acts_for_it(county):
    pk = county.participant.pk
    with pytest.raises(Http404):
        get_participant_for(county.town_liaison, None, pk + 1000)
    with pytest.raises(Http404):
        get_participant_for(county.other_liaison, None, pk, perm="campaigns.register_liaison")

    found = get_participant_for(county.town_liaison, None, pk, perm="campaigns.register_liaison")

    assert (found, found.campaign) == (county.participant, county.campaign)


def test_another_units_participant_is_404(county):
    other = county.other_participant
    with pytest.raises(Http404):
        get_participant_for(county.other_liaison, county.campaign, county.participant.pk)

    assert get_participant_for(county.other_liaison, county.campaign, other.pk) == other
