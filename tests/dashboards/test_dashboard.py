"""The dashboard: a chart per question an office asks, each with the same numbers as a
table and as .xlsx; a county's bar opens the county's dashboard, a town's its report."""

import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from anxuan.reports.models import Submission
from tests.rollup.test_rollup import AFTER_JUNE, more_counties, send, week


def test_the_city_sees_each_countys_rate_and_opens_the_countys_dashboard(
    county, city, county_campaign, login
):
    send(county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11)
    city_office = login(city.owner.memberships.get().person)

    with time_machine.travel(AFTER_JUNE, tick=False):
        response = city_office.get(reverse("dashboards:dashboard", args=[city.pk]))
        xlsx = city_office.get(reverse("dashboards:dashboard_chart_xlsx", args=[city.pk, "units"]))

    units = response.context["dashboard"].chart("units")
    rates = dict(zip(units.categories, units.series[0].values, strict=True))
    periods = response.context["dashboard"].figures.periods  # all due by July
    assert rates["高台县"] == round(100 / (2 * len(periods)), 1)  # one report of two towns'
    links = dict(zip(units.categories, units.links, strict=True))
    assert links["高台县"] == reverse("dashboards:dashboard", args=[county_campaign.pk])
    page = response.content.decode()
    assert 'data-chart="chart-units-data"' in page
    assert (
        reverse("dashboards:dashboard", args=[county_campaign.pk]) in page
    )  # the table view links too
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["高台县"] == rates["高台县"]


def test_a_towns_bar_opens_its_latest_report(county, city, county_campaign, login):
    sent = send(
        county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11
    )
    office = login(county.office_admin)

    with time_machine.travel(AFTER_JUNE, tick=False):
        dashboard = office.get(reverse("dashboards:dashboard", args=[county_campaign.pk])).context[
            "dashboard"
        ]

    units = dashboard.chart("units")
    links = dict(zip(units.categories, units.links, strict=True))
    assert links[county.town.name] == reverse("reports:report_detail", args=[sent.pk])
    assert links[county.other_town.name] is None  # nothing sent, nothing to open
    missing = dashboard.chart("missing")
    assert county.other_town.name in missing.categories
    assert Submission.objects.get(pk=sent.pk).state == "submitted"


def test_the_full_screen_view_has_the_same_charts_without_downloads(county, city, login):
    office = login(city.owner.memberships.get().person)

    page = office.get(reverse("dashboards:dashboard_screen", args=[city.pk])).content.decode()

    assert '<body class="screen">' in page
    assert 'http-equiv="refresh"' in page
    assert ".xlsx" not in page


def test_an_unknown_chart_is_not_found(county, city, login):
    office = login(city.owner.memberships.get().person)

    response = office.get(reverse("dashboards:dashboard_chart_xlsx", args=[city.pk, "nope"]))

    assert response.status_code == 404


def test_the_dashboard_has_constant_queries(
    county, city, county_campaign, login, django_assert_max_num_queries
):
    city_office = login(city.owner.memberships.get().person)
    url = reverse("dashboards:dashboard", args=[city.pk])
    city_office.get(url)
    with django_assert_max_num_queries(25) as one:
        city_office.get(url)
    more_counties(city, 3)

    with django_assert_max_num_queries(len(one.captured_queries)):
        city_office.get(url)
