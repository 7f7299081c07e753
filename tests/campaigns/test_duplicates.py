"""A second campaign of the same kind for the same office and year is a likely mistake:
the form warns and links to the one that exists; the office may still create it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anxuan.campaigns import services
from anxuan.campaigns.models import Campaign

WARNING = "高台县 已有 2026 年的同类活动（安全生产月）。"


def create(client, county, **extra):
    return client.post(
        reverse("campaigns:campaign_create"),
        {"template": "safety_month", "owner": county.county.pk, "year": 2026, **extra},
    )


def test_a_second_safety_month_of_the_same_year_warns_and_links_to_the_first(county, login):
    response = create(login(county.office_admin), county)

    page = response.content.decode()
    assert response.status_code == 400
    assert WARNING in page
    assert f'href="{reverse("campaigns:campaign_detail", args=[county.campaign.pk])}"' in page
    assert 'type="checkbox" name="create_anyway"' in page
    assert Campaign.objects.filter(owner=county.county, kind="safety_month").count() == 1


def test_the_office_may_create_the_second_one_deliberately(county, login):
    response = create(login(county.office_admin), county, create_anyway="on")

    assert response.status_code == 302
    assert Campaign.objects.filter(owner=county.county, kind="safety_month", year=2026).count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"year": 2027},
        {"template": "seven_domains"},
    ],
)
def test_another_year_or_kind_is_no_duplicate(county, login, change):
    response = create(login(county.office_admin), county, **change)

    assert response.status_code == 302


def test_an_archived_campaign_or_another_countys_is_no_duplicate(county, login):
    services.archive_campaign(actor=county.office_admin, campaign=county.campaign)
    neighbour = county.outsider.memberships.get().organization

    mine = create(login(county.office_admin), county)
    theirs = login(county.outsider).post(
        reverse("campaigns:campaign_create"),
        {"template": "safety_month", "owner": neighbour.pk, "year": 2026},
    )

    assert (mine.status_code, theirs.status_code) == (302, 302)


def test_the_service_refuses_a_duplicate_unless_told(county):
    with pytest.raises(ValidationError) as refused:
        services.create_campaign_from_blueprint(
            actor=county.office_admin, owner=county.county, blueprint_key="safety_month", year=2026
        )

    assert refused.value.code == "duplicate"
    again = services.create_campaign_from_blueprint(
        actor=county.office_admin,
        owner=county.county,
        blueprint_key="safety_month",
        year=2026,
        allow_duplicate=True,
    )
    assert again.kind == "safety_month"
