"""One truth per figure: the assessment's automatic points on the scores page, in the
exported scoring tables and through the API are the same, and equal to what raw SQL over
the reports gives (days late from the receipt and due times, periods without a report,
activities in the latest versions)."""

import io
import math
from decimal import Decimal

import time_machine
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from anxuan.assessment import services
from anxuan.assessment.enums import Rule
from anxuan.assessment.models import Item, Rubric, Section
from anxuan.campaigns.enums import RequirementKind
from tests.api.conftest import ApiClient, token_for
from tests.assessment.test_sheets import period_of, send, when
from tests.exports.test_exports import export

NOW = when(6, 12, 9)  # weeks 1 and 2 are due (4 and 11 June, 12:00)

# Per unit of the campaign: the worst days late over its weekly reports (None unless
# every week due that it joined by has a report), the weeks due without one, and the
# activities in the latest version of each of its submitted reports.
RAW = """
SELECT pa.id, o.name,
  (SELECT count(*) FROM campaigns_period p
   WHERE p.requirement_id = %(weekly)s AND p.due_at <= %(now)s AND NOT EXISTS (
     SELECT 1 FROM reports_submission s WHERE s.participant_id = pa.id
     AND s.period_id = p.id AND s.state <> 'draft')) AS missed,
  (SELECT count(*) FROM reports_activityrecord a
   JOIN reports_submissionversion v ON v.id = a.version_id
   JOIN reports_submission s ON s.id = v.submission_id
   WHERE s.participant_id = pa.id AND s.state <> 'draft' AND v.id = (
     SELECT max(v2.id) FROM reports_submissionversion v2 WHERE v2.submission_id = s.id))
     AS activities
FROM campaigns_participant pa JOIN orgs_organization o ON o.id = pa.organization_id
WHERE pa.campaign_id = %(campaign)s
"""
LATE = """
SELECT s.participant_id, s.first_submitted_at, p.due_at FROM reports_submission s
JOIN campaigns_period p ON p.id = s.period_id
WHERE s.requirement_id = %(weekly)s AND s.first_submitted_at IS NOT NULL
"""


def raw_points(campaign, weekly) -> dict[str, Decimal]:
    """Each unit's total under the rubric below, from raw SQL and the rules' arithmetic."""
    now = connection.ops.adapt_datetimefield_value(NOW)
    params = {"weekly": weekly.pk, "now": now, "campaign": campaign.pk}
    with connection.cursor() as cursor:
        cursor.execute(LATE, params)
        late: dict[int, int] = {}
        for pid, at, due in cursor.fetchall():
            days = max(0, math.ceil((at - due).total_seconds() / 86400))
            late[pid] = max(late.get(pid, 0), days)
        cursor.execute(RAW, params)
        rows = cursor.fetchall()
    totals = {}
    for pid, name, missed, activities in rows:
        timely = Decimal(0) if missed or pid not in late else max(Decimal(0), 10 - 2 * late[pid])
        regular = max(Decimal(0), 10 - 5 * Decimal(missed))
        totals[name] = timely + regular + min(Decimal(5), Decimal(activities))
    return totals


def test_the_page_the_export_and_the_api_show_the_raw_sqls_points(county, login):
    campaign = county.campaign
    weekly = campaign.requirements.get(kind=RequirementKind.WEEKLY)
    rubric = Rubric.objects.create(campaign=campaign, title="考核评分表", total_points=25)
    reporting = Section.objects.create(rubric=rubric, title="报送", order=0)
    activity = Section.objects.create(rubric=rubric, title="活动", order=1)
    bound = {"requirement": weekly.pk}
    for section, title, rule, points, per, measure, params in (
        (reporting, "按时报送", Rule.TIMELINESS, 10, 2, "reports.days_late", bound),
        (reporting, "每周报送", Rule.REGULARITY, 10, 5, "reports.missed_periods", bound),
        (activity, "开展活动", Rule.PER_COUNT, 5, 1, "reports.activities", {}),
    ):
        Item.objects.create(
            section=section,
            title=title,
            rule=rule,
            max_points=points,
            per_unit=per,
            measure=measure,
            measure_params=params,
            zero_if_no_data=True,
        )
    services.open_for_scoring(actor=county.office_admin, rubric=rubric)
    drill = {"held_on": "2026-06-03", "activity_type": "应急演练", "people_reached": 40}
    weeks = [period_of(campaign, RequirementKind.WEEKLY, n) for n in (1, 2)]
    town = (county.town_liaison, county.participant)
    other = (county.other_liaison, county.other_participant)
    send(*town, weeks[0], when(6, 4, 12), activities=[drill] * 3)
    send(*town, weeks[1], when(6, 11, 12, 0, 1), activities=[drill] * 3)
    send(*other, weeks[0], when(6, 4, 12, 0, 1), activities=[drill])

    expected = raw_points(campaign, weekly)
    assert expected["城关镇"] == Decimal(23)  # a second late in week 2, 6 activities capped at 5
    assert len(set(expected.values())) == 3  # the three units score differently
    office = login(county.office_admin)
    with time_machine.travel(NOW, tick=False):
        page = office.get(reverse("assessment:scores", args=[campaign.pk])).content.decode()
        _job, content = export(office, campaign, "assessment")
        api = (
            ApiClient(token_for(county.office_admin)).get(f"/campaigns/{campaign.pk}/scores").json()
        )

    on_page = {
        name: Decimal(page.split(f'data-unit="{name}"')[1].split('class="total">')[1].split("<")[0])
        for name in expected
    }
    book = load_workbook(io.BytesIO(content))
    rows = book["汇总"].iter_rows(min_row=3, values_only=True)
    exported = {r[0]: Decimal(str(r[1])) for r in rows if r[0] in expected}
    through_api = {s["participant"]["organization"]["name"]: Decimal(s["total"]) for s in api}
    assert on_page == exported == through_api == expected
