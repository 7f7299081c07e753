"""The city office on its dashboard: two counties' reporting rates, one county's dashboard,
one town's weekly report; each level's rate equals a direct SQL count over the same data."""

import json
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from playwright.sync_api import expect

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from tests import factories
from tests.e2e.browser import DESKTOP, PHONE, log_in, open_page, page_width, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AFTER_JUNE = datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI)

# Reports expected and received from the units that report themselves in the given
# campaigns, over the periods on the board (not "any time" items, not the liaison form)
# that were due by %(now)s and that each unit had joined by.
SQL = """
SELECT COUNT(*), COUNT(s.id) FROM campaigns_participant pa
JOIN campaigns_requirement r ON r.campaign_id = pa.campaign_id
JOIN campaigns_period p ON p.requirement_id = r.id
LEFT JOIN reports_submission s
  ON s.participant_id = pa.id AND s.period_id = p.id AND s.state <> 'draft'
WHERE pa.campaign_id = ANY(%(campaigns)s) AND r.schedule <> 'anytime'
  AND r.kind <> 'liaison_form' AND p.due_at <= %(now)s
  AND NOT EXISTS (SELECT 1 FROM campaigns_campaign c
                  WHERE c.parent_id = pa.campaign_id AND c.owner_id = pa.organization_id
                    AND NOT c.archived)
  AND pa.joined_on <= DATE(p.due_at AT TIME ZONE 'Asia/Shanghai')
  AND (%(unit)s IS NULL OR pa.id = %(unit)s)
"""
SQLITE = (
    SQL.replace("= ANY(%(campaigns)s)", "IN (SELECT value FROM json_each(%(campaigns)s))")
    .replace("DATE(p.due_at AT TIME ZONE 'Asia/Shanghai')", "DATE(p.due_at, '+8 hours')")
    .replace("NOT c.archived", "c.archived = 0")
)


def rate(campaigns: list[int], unit: int | None = None) -> str:
    """The reporting rate as the page prints it, counted straight from the tables: of the
    units reporting themselves in `campaigns`, or of one participant."""
    if connection.vendor == "postgresql":
        sql, ids = SQL, campaigns
    else:
        sql, ids = SQLITE, json.dumps(campaigns)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"campaigns": ids, "now": AFTER_JUNE, "unit": unit})
        expected, received = cursor.fetchone()
    return f"{received * 100 / expected:.1f}%"


def test_the_city_drills_from_its_dashboard_to_a_towns_report(
    live_server, county, city, county_campaign, browser
):
    week1 = county_campaign.requirements.get(kind=RequirementKind.WEEKLY).periods.get(number=1)
    town = county_campaign.participants.get(organization=county.town)
    report = factories.report(county.town_liaison, town, week1, "城关镇第一周宣传活动")
    with time_machine.travel(datetime(2026, 6, 4, 11, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=county.town_liaison, submission=report)
    city_office = city.owner.memberships.get().person
    city_office.set_password(factories.PASSWORD)
    city_office.save()
    neighbour = county.outsider.memberships.get().organization
    page = open_page(browser, DESKTOP)
    log_in(page, live_server.url, "city")

    with time_machine.travel(AFTER_JUNE):
        page.goto(f"{live_server.url}/campaigns/{city.pk}/dashboard/")
        expect(page.locator("#chart-units .chart")).to_have_attribute("data-drawn", "1")
        units = page.locator("#chart-units")
        units.locator("summary").click()
        both = rate([county_campaign.pk, city.pk])
        expect(page.locator("#kpi-reporting")).to_have_text(both)
        row = units.locator("tbody tr", has_text="高台县")
        expect(row.locator("td")).to_have_text(rate([county_campaign.pk]))
        expect(units.locator("tbody tr", has_text=neighbour.name).locator("td")).to_have_text(
            rate([city.pk])
        )
        shot(page, "dashboard-city", full_page=True)

        row.get_by_role("link", name="高台县").click()
        expect(page.locator("h1")).to_have_text("数据看板")
        expect(page.locator("#kpi-reporting")).to_have_text(rate([county_campaign.pk]))
        units = page.locator("#chart-units")
        units.locator("summary").click()
        town_row = units.locator("tbody tr", has_text="城关镇")
        expect(town_row.locator("td")).to_have_text(rate([county_campaign.pk], town.pk))
        shot(page, "dashboard-county")
        town_row.get_by_role("link", name="城关镇").click()
        expect(page.locator("main")).to_contain_text("城关镇第一周宣传活动")


def test_the_full_screen_display_fits_a_phone_and_a_wall(live_server, county, city, browser):
    city_office = city.owner.memberships.get().person
    city_office.set_password(factories.PASSWORD)
    city_office.save()
    page = open_page(browser, PHONE)
    log_in(page, live_server.url, "city")

    with time_machine.travel(AFTER_JUNE):  # every period due, nothing reported: 0 %
        page.goto(f"{live_server.url}/campaigns/{city.pk}/dashboard/")
        expect(page.locator("#chart-periods .chart")).to_have_attribute("data-drawn", "1")
        assert page_width(page) <= 390
        page.goto(f"{live_server.url}/campaigns/{city.pk}/dashboard/screen/")
        page.set_viewport_size({"width": 1920, "height": 1080})
        expect(page.locator("#chart-periods .chart")).to_have_attribute("data-drawn", "1")
        expect(page.locator("#kpi-reporting")).to_have_text("0.0%")
        shot(page, "dashboard-screen")
