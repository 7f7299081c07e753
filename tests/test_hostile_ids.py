"""Ids a person (or a hostile link) puts in a page's query string: numbers too large for the
database or not plain digits are ignored as filters and found nowhere, never a 500."""

import pytest
from django.urls import reverse

from anxuan.campaigns.enums import Schedule
from anxuan.reports import services
from tests import factories

HOSTILE = ["9" * 25, "²", "١٢", "-1", "0x1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_inbox_ignores_a_filter_that_is_no_id(county, login, value):
    report = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    services.submit_report(actor=county.town_liaison, submission=report)
    office = login(county.office_admin)
    query = "&".join(f"{k}={value}" for k in ("campaign", "requirement", "period", "unit"))

    response = office.get(f"{reverse('reports:report_inbox')}?{query}")

    assert response.status_code == 200
    assert f'name="ids" value="{report.pk}"' in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_the_board_ignores_a_requirement_that_is_no_id(county, login, value):
    url = reverse("rollup:completeness_board", args=[county.campaign.pk])

    response = login(county.office_admin).get(f"{url}?requirement={value}")

    assert response.status_code == 200
    assert str(county.participant.organization) in response.content.decode()


@pytest.mark.parametrize("value", [*HOSTILE, "abc"])
def test_a_new_report_for_no_such_id_is_not_found(county, login, value):
    adhoc = county.campaign.requirements.get(schedule=Schedule.ANYTIME)
    new = reverse("reports:report_new")
    client = login(county.town_liaison)

    answers = [
        client.get(f"{new}?participant={value}&period=1").status_code,
        client.get(f"{new}?participant={county.participant.pk}&period={value}").status_code,
        client.get(f"{new}?participant={county.participant.pk}&requirement={value}").status_code,
    ]

    assert answers == [404, 404, 404]
    assert (
        client.get(f"{new}?participant={county.participant.pk}&requirement={adhoc.pk}").status_code
        == 200
    )
