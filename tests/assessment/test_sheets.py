"""A rubric made from the template scores a campaign's real reports, submitted through the
services at set times; points follow the data while the assessment is open."""

from datetime import datetime
from decimal import Decimal

import time_machine

from anxuan.assessment import services
from anxuan.assessment.enums import Rule
from anxuan.assessment.models import Item
from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.core.files import inspect_upload
from anxuan.integrity import services as integrity_services
from anxuan.integrity.models import Flag
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports import services as report_services
from tests import factories
from tests.integrity.conftest import submit
from tests.integrity.test_checks import REPORT
from tests.reports.evidence import pdf


def when(month: int, day: int, hour: int, minute: int = 0, second: int = 0):
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def send(actor, participant, period, at: datetime, *, files=(), **draft):
    with time_machine.travel(at, tick=False):
        submission = factories.report(actor, participant, period, **draft)
        uploads = [(f, f.name, inspect_upload(f, f.name)) for f in files]
        if uploads:
            report_services.attach_files(actor=actor, submission=submission, uploads=uploads)
        return report_services.submit_report(actor=actor, submission=submission)


def period_of(campaign, kind, number=1):
    return campaign.requirements.get(kind=kind).periods.get(number=number)


def item_titled(rubric, title) -> Item:
    return Item.objects.get(section__rubric=rubric, title=title)


def test_the_template_adds_up_and_binds_its_items_to_the_campaigns_reports(county):
    rubric = services.from_template(county.campaign)

    assert services.problems(rubric) == []
    assert rubric.total_points == Decimal(100)
    plan = item_titled(rubric, "按时报送方案")
    assert plan.rule == Rule.TIMELINESS
    assert plan.measure_params == {
        "requirement": county.campaign.requirements.get(kind=RequirementKind.PLAN).pk
    }
    assert item_titled(rubric, "生产安全事故").rule == Rule.MANUAL  # no figure to bind to


def test_the_plan_at_the_due_time_a_day_and_a_second_late_and_missing(county):
    rubric = services.from_template(county.campaign)
    plan = period_of(county.campaign, RequirementKind.PLAN)
    other_liaison = county.other_liaison
    send(county.town_liaison, county.participant, plan, when(5, 31, 18), files=[pdf()])
    send(other_liaison, county.other_participant, plan, when(6, 1, 18, 0, 1), files=[pdf()])

    sheets = services.sheets(rubric, now=when(7, 2, 9))
    item = item_titled(rubric, "按时报送方案")
    town, other = sheets[county.participant.pk], sheets[county.other_participant.pk]
    department = sheets[county.campaign.participants.get(organization=county.department).pk]

    assert town.outcomes[item.pk].points == Decimal(3)  # exactly at the due time
    assert other.values[item.pk] == Decimal(2)  # a day and one second: 2 started days
    assert other.outcomes[item.pk].points == Decimal(1)
    assert department.outcomes[item.pk].points == Decimal(0)  # not submitted


def test_a_unit_that_joined_later_is_judged_on_the_weeks_it_was_expected_for(county):
    """As on the board: a week due before the unit joined is not "no data" for it."""
    rubric = services.from_template(county.campaign)
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    timely = Item.objects.create(
        section=item_titled(rubric, "按时报送信息").section,
        title="周报及时",
        max_points=Decimal(0),
        rule=Rule.TIMELINESS,
        per_unit=Decimal(1),
        measure="reports.days_late",
        measure_params={"requirement": weekly.pk},
        zero_if_no_data=True,
    )
    county.campaign.participants.filter(pk=county.participant.pk).update(
        joined_on=period_of(county.campaign, RequirementKind.WEEKLY, 2).due_at.date()
    )
    week2 = period_of(county.campaign, RequirementKind.WEEKLY, 2)
    send(county.town_liaison, county.participant, week2, when(6, 11, 11))

    sheet = services.sheets(rubric, [county.participant.pk], now=when(6, 12, 9))
    assert sheet[county.participant.pk].values[timely.pk] == Decimal(0)  # week 1 not expected


def test_automatic_items_follow_the_data_while_open(county):
    rubric = services.from_template(county.campaign)
    weekly = [period_of(county.campaign, RequirementKind.WEEKLY, n) for n in (1, 2)]
    drill = {"held_on": "2026-06-03", "activity_type": "应急演练", "people_reached": 40}
    regularity = item_titled(rubric, "按时报送信息")
    drills = item_titled(rubric, "应急演练")
    send(county.town_liaison, county.participant, weekly[0], when(6, 4, 10), activities=[drill])

    def town_now():
        return services.sheets(rubric, [county.participant.pk], now=when(6, 12, 9))[
            county.participant.pk
        ]

    before = town_now()
    assert before.values[regularity.pk] == Decimal(1)  # week 2 (due 11 June) missing
    assert before.outcomes[regularity.pk].points == Decimal("2.5")
    assert before.outcomes[drills.pk].points == Decimal(2)

    two_drills = [drill, {**drill, "held_on": "2026-06-09"}]
    send(county.town_liaison, county.participant, weekly[1], when(6, 11, 15), activities=two_drills)
    after = town_now()
    assert after.values[regularity.pk] == Decimal(0)  # late, but reported
    assert after.outcomes[regularity.pk].points == Decimal(3)
    assert after.outcomes[drills.pk].points == Decimal(6)  # 3 drills × 2 = the cap
    # 0.5 for the week, 4 for the drills, 2 × 0.5 for two more activities of any kind
    assert after.total - before.total == Decimal("5.5")


def test_another_offices_numbers_and_what_does_not_add_up(county):
    rubric = services.from_template(county.campaign)
    plan = item_titled(rubric, "按时报送方案")
    plan.per_unit, plan.max_points = Decimal(2), Decimal(5)
    plan.save()
    drills = item_titled(rubric, "应急演练")
    drills.per_unit = None
    drills.save()
    accidents = item_titled(rubric, "生产安全事故")
    accidents.rule, accidents.tiers = Rule.TIERED, [3, 2, 6, 10]
    accidents.save()

    found = services.problems(rubric)

    assert found[0] == "各考核项目分值合计 102 分，与总分 100 分不一致。"
    assert "二、活动开展 · 应急演练: 需填写每项/每天/每期分值" in found
    assert "四、安全生产 · 生产安全事故: 后一档扣分少于前一档" in found
    assert "四、安全生产 · 生产安全事故: 请选择数据来源，或改为由考核人员评分" in found

    send(
        county.town_liaison,
        county.participant,
        period_of(county.campaign, RequirementKind.PLAN),
        when(6, 2, 9),
        files=[pdf()],
    )
    sheet = services.sheets(rubric, [county.participant.pk], now=when(7, 2, 9))
    assert sheet[county.participant.pk].outcomes[plan.pk].points == Decimal(1)  # 5 - 2 × 2


def test_a_confirmed_copied_text_costs_points_through_the_integrity_measure(county, worker):
    rubric = services.from_template(county.campaign)
    formalism = item_titled(rubric, "杜绝形式主义")
    week1 = factories.weekly_period(county.campaign, 1)
    submit(county.town_liaison, county.participant, week1, text="城关镇" + REPORT)
    submit(county.other_liaison, county.other_participant, week1, text="宣化镇" + REPORT)
    worker()  # the real queue: the integrity check flags the copy
    flag = Flag.objects.get()

    def points():
        found = services.sheets(rubric, now=when(7, 2, 9))
        return found[county.other_participant.pk].outcomes[formalism.pk].points

    assert points() == Decimal(4)  # an open flag is no deduction
    integrity_services.confirm(actor=county.office_admin, flag=flag, reason="照抄城关镇材料")
    assert points() == Decimal(3)  # 1 confirmed: 1 point lost


def test_next_years_campaign_takes_the_rubric_along_bound_to_its_own_reports(county):
    from anxuan.assessment.models import Award, RankGroup, Rubric
    from anxuan.campaigns import services as campaign_services

    rubric = services.from_template(county.campaign)
    plan = item_titled(rubric, "按时报送方案")
    plan.per_unit = Decimal("1.5")
    plan.save()
    group = RankGroup.objects.create(rubric=rubric, name="乡镇组", kinds=["town"])
    Award.objects.create(group=group, title="先进单位", quota=2)

    copy = campaign_services.copy_campaign(
        actor=county.office_admin, source=county.campaign, year=2027
    )

    again = Rubric.objects.get(campaign=copy)
    copied = item_titled(again, "按时报送方案")
    assert copied.per_unit == Decimal("1.5")
    assert copied.measure_params == {
        "requirement": copy.requirements.get(kind=RequirementKind.PLAN).pk
    }
    assert services.problems(again) == []
    assert again.state == "draft"
    assert [
        (a.group.name, a.title, a.quota) for a in Award.objects.filter(group__rubric=again)
    ] == [("乡镇组", "先进单位", 2)]


def test_units_below_that_reported_count_each_enterprise_under_a_town_once(county):
    second = factories.org("高台县宏达建材厂", OrgKind.ENTERPRISE, county.town)
    campaign_services.add_participants(
        actor=county.office_admin,
        campaign=county.campaign,
        organizations=[county.enterprise, second],
        joined_on=county.campaign.starts_on,
    )
    firm = county.campaign.participants.get(organization=county.enterprise)
    firm_liaison = factories.person(county.enterprise, Role.LIAISON, "firm")
    weekly = [period_of(county.campaign, RequirementKind.WEEKLY, n) for n in (1, 2)]
    send(firm_liaison, firm, weekly[0], when(6, 4, 10))
    send(firm_liaison, firm, weekly[1], when(6, 11, 10))  # still one unit
    send(county.town_liaison, county.participant, weekly[0], when(6, 4, 10))  # not below

    rubric = services.from_template(county.campaign)
    mobilised = Item.objects.create(
        section=item_titled(rubric, "按时报送信息").section,
        title="动员企业",
        max_points=Decimal(0),
        rule=Rule.PER_COUNT,
        per_unit=Decimal(0),
        measure="reports.units_below",
    )
    sheets = services.sheets(rubric, now=when(6, 12, 9))

    assert sheets[county.participant.pk].values[mobilised.pk] == Decimal(1)
    assert sheets[county.other_participant.pk].values[mobilised.pk] == Decimal(0)
