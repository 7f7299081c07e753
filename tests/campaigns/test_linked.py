"""Linked campaigns: a county runs its Safety Month under the city's, inheriting its
requirements, indicators and deadlines, which it may tighten but not drop."""

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from anxuan.campaigns import services
from anxuan.campaigns.enums import RequirementKind
from anxuan.campaigns.models import Requirement
from anxuan.orgs.enums import OrgKind, Role
from tests import factories


def weekly_of(campaign) -> Requirement:
    return campaign.requirements.get(kind=RequirementKind.WEEKLY)


def test_the_county_campaign_carries_the_citys_requirements_down(county, city, linked):
    pairs = list(linked.requirements.values_list("inherited_from__title", "title"))

    assert linked.parent == city
    assert linked.owner == county.county
    assert linked.title == "2026年“安全生产月”活动（高台县）"
    assert len(pairs) == city.requirements.count()
    assert all(parent == mine for parent, mine in pairs)
    assert list(weekly_of(linked).periods.values_list("due_at", flat=True)) == list(
        weekly_of(city).periods.values_list("due_at", flat=True)
    )
    assert list(linked.indicators.all()) == list(city.indicators.all())
    assert linked.participants.count() == 0  # the county adds its own towns


def test_a_county_cannot_drop_an_inherited_requirement(county, linked):
    weekly = weekly_of(linked)

    with pytest.raises(ValidationError) as refused:
        services.delete_requirement(actor=county.office_admin, requirement=weekly)

    assert weekly.title in refused.value.messages[0]
    assert Requirement.objects.filter(pk=weekly.pk).exists()


def test_an_inherited_deadline_may_be_earlier_but_not_later(county, linked):
    weekly = weekly_of(linked)

    services.save_requirement(
        actor=county.office_admin, campaign=linked, requirement=weekly, due_time=time(10, 0)
    )
    with pytest.raises(ValidationError) as refused:
        services.save_requirement(
            actor=county.office_admin,
            campaign=linked,
            requirement=Requirement.objects.get(pk=weekly.pk),
            due_time=time(15, 0),
        )

    assert list(refused.value.message_dict) == ["due_time"]
    weekly.refresh_from_db()
    assert weekly.due_time == time(10, 0)
    assert {timezone.localtime(p.due_at).hour for p in weekly.periods.all()} == {10}


def test_an_inherited_requirement_keeps_the_parents_indicators(county, city, linked):
    statistics = linked.requirements.get(kind=RequirementKind.STATISTICS)
    kept = list(statistics.indicators.all())[1:]

    with pytest.raises(ValidationError) as refused:
        services.save_requirement(
            actor=county.office_admin,
            campaign=linked,
            requirement=statistics,
            indicators=kept,
        )

    assert list(refused.value.message_dict) == ["indicators"]
    assert statistics.indicators.count() == len(kept) + 1


def test_only_an_office_of_a_participant_links_once(county, city, linked):
    with pytest.raises(ValidationError):  # a second campaign under the same parent
        services.create_linked_campaign(actor=county.office_admin, parent=city, owner=county.county)
    with pytest.raises(PermissionDenied):
        services.create_linked_campaign(actor=county.town_liaison, parent=city, owner=county.town)
    with pytest.raises(PermissionDenied):  # the town is not the county office's own unit
        services.create_linked_campaign(actor=county.office_admin, parent=city, owner=county.town)
    third = factories.org("肃南县", OrgKind.COUNTY, county.county.parent)
    with pytest.raises(ValidationError):  # its own office, but not taking part
        services.create_linked_campaign(
            actor=factories.person(third, Role.OFFICE_ADMIN), parent=city, owner=third
        )


def test_the_county_office_sets_up_its_campaign_from_the_citys_page(county, city, login):
    office = login(county.office_admin)
    page = office.get(reverse("campaigns:campaign_detail", args=[city.pk])).content.decode()

    response = office.post(
        reverse("campaigns:campaign_link", args=[city.pk]), {"owner": county.county.pk}
    )

    child = city.children.get()
    assert "建立高台县的本级活动" in page
    assert response.url == reverse("campaigns:participants", args=[child.pk])
    city_page = office.get(reverse("campaigns:campaign_detail", args=[city.pk])).content.decode()
    assert "建立高台县的本级活动" not in city_page  # once
    assert f'href="{reverse("campaigns:campaign_detail", args=[child.pk])}"' in city_page


def test_deleting_an_inherited_requirement_says_why_on_the_page(county, linked, login):
    weekly = weekly_of(linked)

    response = login(county.office_admin).post(
        reverse("campaigns:requirement_delete", args=[linked.pk, weekly.pk]), follow=True
    )

    assert response.status_code == 200
    assert f"“{weekly.title}”继承自上级活动，不能删除。" in response.content.decode()
    assert Requirement.objects.filter(pk=weekly.pk).exists()
