"""Publishing a closed assessment: each unit sees its own result and rank (the others'
totals only when the office shows them), objects within the period, gets the office's
answer; corrections after closing are audited amendments over the frozen points."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anxuan.assessment import publication, services
from anxuan.assessment.models import Amendment, FrozenScore, Item, RankGroup
from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import OrgKind


@pytest.fixture
def closed(county):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    RankGroup.objects.create(rubric=rubric, name="乡镇组", kinds=[OrgKind.TOWN])
    services.assess(
        actor=county.office_admin,
        participant=county.other_participant,
        entries=[
            services.Entry(
                Item.objects.get(section__rubric=rubric, title="经费保障"), Decimal(3), "落实"
            )
        ],
    )
    return services.close(actor=county.office_admin, rubric=rubric)


def test_results_are_published_only_after_closing_and_only_once(county, closed):
    later = timezone.now() + timedelta(days=5)
    publication.publish(
        actor=county.office_admin, rubric=closed, objections_until=later, others_totals=False
    )
    with pytest.raises(ValidationError) as twice:
        publication.publish(
            actor=county.office_admin, rubric=closed, objections_until=later, others_totals=False
        )
    assert twice.value.messages == ["结果已公布。"]


def test_a_unit_sees_its_result_and_rank_not_the_others_and_objects(county, closed, login):
    url = reverse("assessment:result", args=[county.campaign.pk, county.participant.pk])
    liaison = login(county.town_liaison)
    assert liaison.get(url).status_code == 404  # not published yet
    publication.publish(
        actor=county.office_admin,
        rubric=closed,
        objections_until=timezone.now() + timedelta(days=5),
        others_totals=False,
    )

    page = liaison.get(url).content.decode()
    assert "第 2 名（共 2 个单位）" in page  # 宣化镇 has 3 more points
    assert "宣化镇" not in page  # the others' totals are not shown
    response = liaison.post(url, {"item": "", "reason": "周报已按时报送，请核实"})
    assert response.status_code == 302
    empty = liaison.post(url, {"item": "", "reason": " "})
    assert empty.status_code == 400
    assert "请填写异议理由。" in empty.content.decode()

    office = login(county.office_admin)
    objection = closed.objections.get()
    office.post(
        reverse("assessment:objection_answer", args=[county.campaign.pk, objection.pk]),
        {"answer": "经核实，第2周未报送"},
    )
    assert "经核实，第2周未报送" in login(county.town_liaison).get(url).content.decode()


def test_objections_close_with_the_period(county, closed):
    publication.publish(
        actor=county.office_admin,
        rubric=closed,
        objections_until=timezone.now() + timedelta(days=1),
        others_totals=True,
    )
    with pytest.raises(ValidationError) as late:
        publication.object_to(
            actor=county.town_liaison,
            participant=county.participant,
            item=None,
            reason="迟了",
            now=timezone.now() + timedelta(days=2),
        )
    assert late.value.messages[0].startswith("异议受理截止于")


def test_a_correction_is_an_audited_amendment_over_the_frozen_points(county, closed, login):
    funding = Item.objects.get(section__rubric=closed, title="经费保障")
    frozen = FrozenScore.objects.get(item=funding, participant=county.other_participant)
    office = login(county.office_admin)
    url = reverse(
        "assessment:amend", args=[county.campaign.pk, county.other_participant.pk, funding.pk]
    )

    assert office.post(url, {"points": "9", "reason": "超出"}).status_code == 302  # refused
    assert office.post(url, {"points": "2", "reason": "经费凭证不全"}).status_code == 302

    sheet = services.sheets(closed, [county.other_participant.pk])[county.other_participant.pk]
    assert sheet.outcomes[funding.pk].points == Decimal(2)
    assert sheet.outcomes[funding.pk].why == "已更正：经费凭证不全"
    frozen.refresh_from_db()
    assert frozen.points == Decimal(3)  # never edited
    amendment = Amendment.objects.get()
    assert (amendment.before, amendment.after, amendment.by) == (
        Decimal(3),
        Decimal(2),
        county.office_admin,
    )
    assert AuditEntry.objects.filter(action="assessment.amend").count() == 1


def test_the_city_scores_its_counties_and_a_county_office_sees_how_it_is_scored(
    county, city, county_campaign, login
):
    """A county taking part in the city's campaign (its towns report in its own linked
    campaign below): its activities are its towns', and its office reads its own result."""
    from anxuan.campaigns.enums import RequirementKind
    from tests.assessment.test_sheets import period_of, send, when

    city_office = city.owner.memberships.get().person
    week1 = period_of(county_campaign, RequirementKind.WEEKLY)
    drill = {"held_on": "2026-06-03", "activity_type": "应急演练", "people_reached": 40}
    town = county_campaign.participants.get(organization=county.town)
    send(county.town_liaison, town, week1, when(6, 4, 10), activities=[drill])
    rubric = services.open_for_scoring(actor=city_office, rubric=services.from_template(city))
    drills = Item.objects.get(section__rubric=rubric, title="应急演练")
    county_unit = city.participants.get(organization=county.county)

    sheet = services.sheets(rubric, [county_unit.pk], now=when(7, 2, 9))[county_unit.pk]
    assert sheet.outcomes[drills.pk].points == Decimal(2)  # its town's drill

    services.close(actor=city_office, rubric=rubric, now=when(7, 2, 9))
    rubric.refresh_from_db()
    publication.publish(
        actor=city_office,
        rubric=rubric,
        objections_until=timezone.now() + timedelta(days=5),
        others_totals=False,
    )
    office = login(county.office_admin)
    page = office.get(reverse("campaigns:campaign_detail", args=[city.pk])).content.decode()
    url = reverse("assessment:result", args=[city.pk, county_unit.pk])
    assert url in page  # 考核结果（高台县）
    result = office.get(url).content.decode()
    assert "考核结果 · 高台县" in result
