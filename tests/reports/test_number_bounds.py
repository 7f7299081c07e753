"""Every number a liaison types is bounded in the report services, so the page and the API
refuse alike; and a row beyond any bound already in the database (written around the
services) cannot break the office's pages: the sums are overflow-safe."""

import io
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anxuan.campaigns.enums import RequirementKind
from anxuan.reports.drafts import MAX_PEOPLE, MAX_VALUE
from anxuan.reports.models import ActivityRecord, Submission, SubmissionVersion
from tests import factories
from tests.exports.test_exports import export
from tests.reports.test_views import new_url, report_form
from tests.rollup.test_rollup import send, week

HUGE = 9_223_372_036_854_775_807  # 2**63 - 1
PEOPLE_TOO_MANY = "参与人数最多 100,000,000，请核对。"
VALUE_TOO_LARGE = "该数值最大为 1,000,000,000，请核对。"


def test_the_bounds_are_what_offices_can_believe():
    assert MAX_PEOPLE == 100_000_000
    assert MAX_VALUE == 1_000_000_000


@pytest.mark.parametrize("people", [str(HUGE), str(MAX_PEOPLE + 1)])
def test_the_report_page_refuses_too_many_people_and_keeps_nothing(county, login, people):
    period = factories.weekly_period(county.campaign)

    response = login(county.town_liaison).post(
        new_url(county.participant, period),
        report_form(submit="1", **{"act-0-people_reached": people}),
    )

    assert response.status_code == 400
    assert PEOPLE_TOO_MANY in response.content.decode()
    assert not Submission.objects.exists()
    assert not SubmissionVersion.objects.exists()


def test_the_report_page_takes_the_bound_itself(county, login):
    period = factories.weekly_period(county.campaign)

    response = login(county.town_liaison).post(
        new_url(county.participant, period),
        report_form(submit="1", **{"act-0-people_reached": str(MAX_PEOPLE)}),
    )

    assert response.status_code == 302
    assert ActivityRecord.objects.get().people_reached == MAX_PEOPLE


@pytest.mark.parametrize("value", [str(HUGE), "1000000000.01"])
def test_the_report_page_refuses_an_indicator_value_past_the_bound(county, login, value):
    period, indicator = statistics(county)

    response = login(county.town_liaison).post(
        new_url(county.participant, period),
        {"text": "统计", f"value_{indicator.pk}": value, "act-TOTAL_FORMS": "0", **_mgmt()},
    )

    assert response.status_code == 400
    assert VALUE_TOO_LARGE in response.content.decode()
    assert not Submission.objects.exists()


def statistics(county):
    requirement = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    return requirement.periods.get(), requirement.indicators.first()


def _mgmt() -> dict:
    return {"act-INITIAL_FORMS": "0", "act-MIN_NUM_FORMS": "0", "act-MAX_NUM_FORMS": "50"}


def test_rows_past_every_bound_in_the_database_do_not_break_the_offices_pages(
    county, city, county_campaign, login
):
    """Two activities of 2**63 - 1 people (SQLite holds them; PostgreSQL's column stops at
    2**31 - 1) written around the services: SQLite's SUM of them overflows."""
    huge = HUGE if connection.vendor == "sqlite" else 2**31 - 1
    sent = send(
        county.town_liaison, county_campaign, county.town, week(county_campaign), day=4, hour=11
    )
    version = sent.versions.get()
    for _ in range(2):
        ActivityRecord.objects.create(
            version=version,
            held_on=date(2026, 6, 2),
            activity_type="安全宣传咨询日",
            people_reached=huge,
        )
    # Another unit's report of the same week recounts the week's tallies.
    send(
        county.other_liaison,
        county_campaign,
        county.other_town,
        week(county_campaign),
        day=4,
        hour=11,
    )
    office = login(county.office_admin)

    assert office.get(reverse("dashboards:dashboard", args=[county_campaign.pk])).status_code == 200
    chart = office.get(
        reverse("dashboards:dashboard_chart_xlsx", args=[county_campaign.pk, "ranking"])
    )
    assert chart.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(chart.streaming_content))).active
    assert sheet.max_row == 3  # the two towns
    _job, summary = export(office, county_campaign, "summary")
    text = "\n".join(p.text for p in Document(io.BytesIO(summary)).paragraphs)
    assert "覆盖 4294967294 人次" in text  # each of those rows counted as 2**31 - 1
    city_office = login(city.owner.memberships.get().person)
    assert city_office.get(reverse("rollup:rollup", args=[city.pk])).status_code == 200
    assert city_office.get(reverse("dashboards:dashboard", args=[city.pk])).status_code == 200
