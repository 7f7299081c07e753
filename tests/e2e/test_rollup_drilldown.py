"""The city office follows its counties down: two counties' rates on the roll-up, one
county's board, one town's weekly report; each level's figures equal a direct SQL count."""

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from playwright.sync_api import expect

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from tests import factories
from tests.e2e.browser import DESKTOP, log_in, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Reports received below a county for the city's first week: the county's towns' first
# weekly period, counted straight from the tables.
SQL = """
SELECT COUNT(*) FROM reports_submission s
JOIN campaigns_period p ON p.id = s.period_id
JOIN campaigns_requirement r ON r.id = p.requirement_id
JOIN campaigns_campaign c ON c.id = r.campaign_id
WHERE c.parent_id = %s AND c.owner_id = %s AND r.kind = 'weekly' AND p.number = 1
  AND s.state <> 'draft'
"""


def test_the_city_drills_from_counties_to_a_towns_report(
    live_server, county, city, county_campaign, browser
):
    linked = county_campaign
    participant = linked.participants.get(organization=county.town)
    week1 = linked.requirements.get(kind=RequirementKind.WEEKLY).periods.get(number=1)
    report = factories.report(county.town_liaison, participant, week1, "城关镇第一周宣传活动")
    with time_machine.travel(datetime(2026, 6, 4, 11, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=county.town_liaison, submission=report)
    city_office = city.owner.memberships.get().person
    city_office.set_password(factories.PASSWORD)
    city_office.save()
    page = open_page(browser, DESKTOP)
    log_in(page, live_server.url, "city")
    with connection.cursor() as cursor:
        cursor.execute(SQL, [city.pk, county.county.pk])
        (received,) = cursor.fetchone()

    with time_machine.travel(datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI)):
        page.goto(f"{live_server.url}/campaigns/{city.pk}/rollup/")
        gaotai = page.locator("#rollup tr[data-unit='高台县']")
        expect(gaotai.locator("td.cell").nth(1)).to_have_text(f"{received}/2")
        expect(page.locator("#rollup tr[data-unit='临泽县'] td").first).to_have_text("1")
        shot(page, "rollup")
        gaotai.get_by_role("link", name="高台县").click()
        reported = page.locator("#board tbody tr[data-unit='城关镇'] td.cell a")
        expect(reported).to_have_text(["按时"])  # week 1, the town's only report
        reported.click()
        expect(page.locator("main")).to_contain_text("城关镇第一周宣传活动")
    assert received == 1
