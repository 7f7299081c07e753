"""Roll-ups: the city sees every town below its counties, counted towards each county."""

from datetime import datetime, time

import time_machine

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from anxuan.rollup.figures import campaign_figures as build_rollup
from tests import factories

AFTER_JUNE = datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI)


def week(campaign, number: int = 1):
    return campaign.requirements.get(kind=RequirementKind.WEEKLY).periods.get(number=number)


def send(liaison, campaign, organization, period, *, day: int, hour: int):
    participant = campaign.participants.get(organization=organization)
    draft = factories.report(liaison, participant, period)
    with time_machine.travel(datetime(2026, 6, day, hour, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=liaison, submission=draft)
    return draft


def rows_of(rollup) -> dict:
    return {r.participant.organization.name: r for r in rollup.rows}


def column(rollup, period_title: str, number: int = 1) -> int:
    return next(
        i
        for i, p in enumerate(rollup.periods)
        if p.requirement.title == period_title and p.number == number
    )


def test_a_late_town_shows_in_its_countys_row(county, city, county_campaign):
    send(county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11)
    send(
        county.other_liaison,
        county_campaign,
        county.other_town,
        week(county_campaign),
        day=4,
        hour=15,
    )

    rollup = build_rollup(city, now=AFTER_JUNE)

    gaotai = rows_of(rollup)["高台县"]
    w1 = column(rollup, week(city).requirement.title)
    assert gaotai.child == county_campaign
    assert gaotai.units == 2
    first = gaotai.rates[w1]
    assert (first.expected, first.reported, first.timely) == (2, 2, 1)
    later = gaotai.rates[w1 + 1]
    assert (later.expected, later.reported, later.timely) == (2, 0, 0)


def test_a_county_without_its_own_campaign_counts_as_itself(county, city, county_campaign):
    neighbour = county.outsider.memberships.get().organization
    send(county.outsider, city, neighbour, week(city), day=4, hour=10)

    rollup = build_rollup(city, now=AFTER_JUNE)

    linze = rows_of(rollup)["临泽县"]
    w1 = column(rollup, week(city).requirement.title)
    assert (linze.child, linze.units) == (None, 1)
    assert (linze.rates[w1].expected, linze.rates[w1].reported) == (1, 1)
    overall = rollup.period_rates[w1]
    assert (overall.expected, overall.reported) == (3, 1)
    assert rollup.overall.reported <= rollup.overall.expected


def test_the_countys_earlier_deadline_decides_timeliness(county, city, county_campaign):
    weekly = county_campaign.requirements.get(kind=RequirementKind.WEEKLY)
    campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county_campaign,
        requirement=weekly,
        due_time=time(10, 0),
    )
    send(county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11)

    rollup = build_rollup(city, now=AFTER_JUNE)

    first = rows_of(rollup)["高台县"].rates[column(rollup, weekly.title)]
    assert (first.reported, first.timely) == (1, 0)  # on time for the city, late for the county


def test_periods_not_yet_due_are_not_expected(county, city, county_campaign):
    rollup = build_rollup(city, now=datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI))

    gaotai = rows_of(rollup)["高台县"]
    expected = [r.expected for r in gaotai.rates]
    assert expected[: column(rollup, week(city).requirement.title) + 1][-1] == 2
    assert expected[column(rollup, week(city).requirement.title, 2)] == 0


def more_counties(city, n: int):
    """`n` more counties taking part in the city's campaign, each with its own campaign and
    two towns."""
    from anxuan.orgs.enums import OrgKind, Role

    city_office = city.owner.memberships.get().person
    for k in range(n):
        county = factories.org(f"新县{k}", OrgKind.COUNTY, city.owner)
        towns = [factories.org(f"新县{k}镇{t}", OrgKind.TOWN, county) for t in range(2)]
        office = factories.person(county, Role.OFFICE_ADMIN)
        campaign_services.add_participants(
            actor=city_office, campaign=city, organizations=[county], joined_on=city.starts_on
        )
        child = campaign_services.create_linked_campaign(actor=office, parent=city, owner=county)
        campaign_services.add_participants(
            actor=office, campaign=child, organizations=towns, joined_on=child.starts_on
        )


def test_the_city_page_shows_each_county_and_drills_down(county, city, county_campaign, login):
    from django.urls import reverse

    send(county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11)
    city_office = login(city.owner.memberships.get().person)

    with time_machine.travel(AFTER_JUNE, tick=False):  # one session: no months idle between
        page = city_office.get(reverse("rollup:rollup", args=[city.pk])).content.decode()
        board = city_office.get(reverse("rollup:completeness_board", args=[county_campaign.pk]))

    row = page.split('data-unit="高台县"')[1].split("</tr>")[0]
    assert f'href="{reverse("rollup:completeness_board", args=[county_campaign.pk])}"' in row
    assert ">1/2<" in row
    assert board.status_code == 200


def test_the_rollup_page_has_constant_queries(
    county, city, county_campaign, login, django_assert_num_queries
):
    from django.urls import reverse

    city_office = login(city.owner.memberships.get().person)
    url = reverse("rollup:rollup", args=[city.pk])
    city_office.get(url)
    with django_assert_num_queries(25) as one:
        city_office.get(url)
    more_counties(city, 2)

    with django_assert_num_queries(len(one.captured_queries)):
        city_office.get(url)


def test_a_province_counts_the_towns_below_its_city_once(county):
    """Three levels, each linked to the one above: the province's row for the city stands
    for the county's two towns, not for the county as well."""
    from anxuan.orgs.enums import Role

    city_org = county.county.parent
    province_office = factories.person(city_org.parent, Role.OFFICE_ADMIN, "province")
    province = factories.safety_month(province_office, city_org.parent)
    campaign_services.add_participants(
        actor=province_office,
        campaign=province,
        organizations=[city_org],
        joined_on=province.starts_on,
    )
    city_office = factories.person(city_org, Role.OFFICE_ADMIN, "city")
    city = campaign_services.create_linked_campaign(
        actor=city_office, parent=province, owner=city_org
    )
    campaign_services.add_participants(
        actor=city_office, campaign=city, organizations=[county.county], joined_on=city.starts_on
    )
    mine = campaign_services.create_linked_campaign(
        actor=county.office_admin, parent=city, owner=county.county
    )
    campaign_services.add_participants(
        actor=county.office_admin,
        campaign=mine,
        organizations=[county.town, county.other_town],
        joined_on=mine.starts_on,
    )
    send(county.town_liaison, mine, county.town, week(mine), day=4, hour=11)

    rollup = build_rollup(province, now=AFTER_JUNE)

    zhangye = rows_of(rollup)["张掖市"]
    first = zhangye.rates[column(rollup, week(province).requirement.title)]
    assert zhangye.units == 2
    assert (first.expected, first.reported, first.timely) == (2, 1, 1)
