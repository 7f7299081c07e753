"""Finding what an assessor may open, for the pages and the API alike."""

from django.http import Http404

from anxuan.assessment.models import Assessor
from anxuan.campaigns.models import Campaign, Participant
from anxuan.campaigns.selectors import get_campaign_for, participants_of
from anxuan.orgs.models import Person

PERM = "assessment.manage"


def campaign_to_assess(person: Person, pk: int) -> Campaign:
    """The campaign for its office or for an assessor it named (who may not otherwise see
    it); 404 for anyone else who cannot see it, 403 for those who can."""
    campaign = Campaign.objects.select_related("owner").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if person.has_perm(PERM, campaign):
        return campaign
    if Assessor.objects.filter(rubric__campaign=campaign, person=person).exists():
        return campaign
    return get_campaign_for(person, pk, perm=PERM)


def unit_to_assess(campaign: Campaign, pk: int) -> Participant:
    """A unit of the campaign (404 otherwise); whether the person may assess it is
    services.may_assess."""
    unit: Participant | None = (
        participants_of(campaign).select_related("campaign__owner").filter(pk=pk).first()
    )
    if unit is None:
        raise Http404
    return unit
