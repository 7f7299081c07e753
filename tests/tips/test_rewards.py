"""Rewards for tips: the national defaults at every edge (minimum, maximum, the per-death
cap), a jurisdiction's own table set up through its pages alone (a different percentage
and cap, fixed amounts with a monthly cap per reporter), the table in force at acceptance,
the first accepted reporter of a merged matter, no reward for an anonymous reporter, no
reward without a recorded fine, and the 60-day claim window lapsing on day 61."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import Role
from anxuan.tips import reward_tables, rewards
from anxuan.tips import services as tip_services
from anxuan.tips.enums import (
    AccidentGrade,
    Category,
    EventKind,
    RewardMethod,
    RewardState,
    State,
)
from anxuan.tips.models import Reward, RewardTable, Tip, TipEvent, TipRules
from anxuan.tips.tasks import lapse_rewards
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = "13912345678"


def filed(place, *, category=Category.MAJOR_HAZARD, name="王强", mobile=MOBILE, at=None) -> Tip:
    """A tip from the public (at `at`, Asia/Shanghai, when given)."""

    def make():
        return tip_services.file_tip(
            place=place,
            address="工业园区 3 号",
            target="某化工有限公司",
            category=category,
            description="夜间在罐区违规动火作业，无人监护。",
            name=name,
            mobile=mobile,
        ).tip

    if at is None:
        return make()
    with time_machine.travel(at, tick=False):
        return make()


def verified(tip: Tip, *, accepted_on=date(2026, 6, 2), state=State.CLOSED, **fields) -> Tip:
    """The tip as tips.handling leaves it once verified: accepted under the table in force
    (unless `reward_table` is given), verification closed."""
    fields.setdefault("reward_table", reward_tables.table_in_force(tip.office))
    Tip.objects.filter(pk=tip.pk).update(state=state, accepted_on=accepted_on, **fields)
    tip.refresh_from_db()
    return tip


def rule(method, **values) -> dict:
    return {"method": method, **{k: Decimal(v) for k, v in values.items()}}


NO_REWARD = rule(RewardMethod.NONE)


def table(actor, office, *, first_reporter_only=True, **by_category) -> RewardTable:
    """A table saved through the service: every category not given is not rewarded."""
    rules = {c: by_category.get(c, NO_REWARD) for c in Category.values}
    return reward_tables.save_table(
        actor=actor, office=office, rules=rules, first_reporter_only=first_reporter_only
    )


@pytest.fixture
def office(county, login):
    return login(county.office_staff)


# The national defaults -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fine", "amount", "said"),
    [
        ("50000", "7500", "罚款 50 000 元 × 15% = 7 500 元。建议奖励 7 500 元。"),
        ("20000", "3000", "罚款 20 000 元 × 15% = 3 000 元。建议奖励 3 000 元。"),
        (
            "19999",
            "3000",
            "罚款 19 999 元 × 15% = 2 999.85 元。低于最低 3 000 元，按最低额奖励。"
            "建议奖励 3 000 元。",
        ),
        (
            "0",
            "3000",
            "罚款 0 元 × 15% = 0 元。低于最低 3 000 元，按最低额奖励。建议奖励 3 000 元。",
        ),
        ("2000000", "300000", "罚款 2 000 000 元 × 15% = 300 000 元。建议奖励 300 000 元。"),
        (
            "2000010",
            "300000",
            "罚款 2 000 010 元 × 15% = 300 001.50 元。高于最高 300 000 元，按最高额奖励。"
            "建议奖励 300 000 元。",
        ),
    ],
)
def test_the_national_percentage_is_held_between_its_minimum_and_maximum(
    county, fine, amount, said
):
    tip = verified(filed(county.town))

    reward = rewards.record_reward(
        actor=county.office_staff,
        tip=tip,
        fine=Decimal(fine),
        penalty_decision="高应急罚〔2026〕3号",
    )

    assert reward.state == RewardState.PROPOSED
    assert reward.proposed == Decimal(amount)
    assert reward.basis == "依据全国默认奖励标准。" + said
    assert tip.reward_table is None  # no table anywhere: the built-in one


@pytest.mark.parametrize(
    ("grade", "deaths", "amount", "capped"),
    [
        (AccidentGrade.GENERAL, 3, "90000", False),
        (AccidentGrade.LARGER, 1, "40000", False),
        (AccidentGrade.MAJOR, 2, "100000", False),
        (AccidentGrade.ESPECIALLY_MAJOR, 5, "300000", False),
        (AccidentGrade.ESPECIALLY_MAJOR, 6, "300000", True),
        (AccidentGrade.GENERAL, 11, "300000", True),
    ],
)
def test_a_concealed_accident_pays_per_death_by_grade_up_to_the_cap(
    county, grade, deaths, amount, capped
):
    tip = verified(filed(county.town, category=Category.CONCEALED_ACCIDENT))

    reward = rewards.record_reward(
        actor=county.office_staff, tip=tip, accident_grade=grade, deaths=deaths
    )

    assert reward.state == RewardState.PROPOSED
    assert reward.proposed == Decimal(amount)
    assert f"瞒报死亡 {deaths} 人" in reward.basis
    assert ("超过上限 300 000 元，按上限奖励。" in reward.basis) is capped


def test_other_violations_carry_no_national_reward(county):
    tip = verified(filed(county.town, category=Category.OTHER_VIOLATION))

    reward = rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(10000))

    assert reward.state == RewardState.NOT_ELIGIBLE
    assert reward.proposed == 0
    assert reward.basis == "依据全国默认奖励标准。按此标准，该类举报不予奖励。"


# Eligibility -----------------------------------------------------------------------------


def test_an_anonymous_reporter_is_not_paid(county):
    tip = verified(filed(county.town, name="", mobile=""))

    reward = rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(50000))

    assert reward.state == RewardState.NOT_ELIGIBLE
    assert reward.proposed == 0
    assert reward.basis == (
        "依据全国默认奖励标准。举报人未留姓名和手机号，无法确认身份，不予奖励。"
    )
    with pytest.raises(ValidationError):
        rewards.issue_notice(actor=county.office_staff, reward=reward)


def test_only_the_first_accepted_reporter_of_a_merged_matter_is_rewarded(county):
    root = verified(filed(county.town, mobile="13900000001"), accepted_on=date(2026, 6, 5))
    # Received later, but accepted first, then merged into the tip the office kept.
    earlier = verified(
        filed(county.town, mobile="13900000002"),
        accepted_on=date(2026, 6, 3),
        state=State.MERGED,
        merged_into=root,
    )
    never_accepted = verified(
        filed(county.town, mobile="13900000003"),
        accepted_on=None,
        state=State.MERGED,
        merged_into=root,
    )

    first = rewards.record_reward(actor=county.office_staff, tip=earlier, fine=Decimal(50000))
    kept = rewards.record_reward(actor=county.office_staff, tip=root, fine=Decimal(50000))
    merged = rewards.record_reward(
        actor=county.office_staff, tip=never_accepted, fine=Decimal(50000)
    )

    assert (first.state, first.proposed) == (RewardState.PROPOSED, Decimal(7500))
    assert (kept.state, kept.proposed) == (RewardState.NOT_ELIGIBLE, Decimal(0))
    assert kept.basis == (
        "依据全国默认奖励标准。同一事项只奖励最先受理的举报人，本事项另有举报先于本举报受理"
        "（2026-06-03）。"
    )
    assert merged.state == RewardState.NOT_ELIGIBLE


def test_on_the_same_acceptance_day_the_earlier_received_tip_is_first(county):
    morning = filed(county.town, mobile="13900000001", at=datetime(2026, 6, 1, 8, tzinfo=SHANGHAI))
    evening = filed(county.town, mobile="13900000002", at=datetime(2026, 6, 1, 20, tzinfo=SHANGHAI))
    root = verified(evening, accepted_on=date(2026, 6, 2))
    verified(morning, accepted_on=date(2026, 6, 2), state=State.MERGED, merged_into=root)

    assert rewards.record_reward(
        actor=county.office_staff, tip=root, fine=Decimal(50000)
    ).state == (RewardState.NOT_ELIGIBLE)
    assert rewards.record_reward(
        actor=county.office_staff, tip=Tip.objects.get(pk=morning.pk), fine=Decimal(50000)
    ).state == (RewardState.PROPOSED)


def test_a_table_may_reward_every_identified_reporter_of_a_matter(county):
    percent = rule(RewardMethod.PERCENT_OF_FINE, percent="15", minimum="3000", maximum="300000")
    own = table(county.office_admin, county.county, first_reporter_only=False, major_hazard=percent)
    root = verified(filed(county.town, mobile="13900000001"), accepted_on=date(2026, 6, 5))
    later = verified(
        filed(county.town, mobile="13900000002"),
        accepted_on=date(2026, 6, 3),
        state=State.MERGED,
        merged_into=root,
    )

    assert root.reward_table == own
    for tip in (root, later):
        reward = rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(50000))
        assert (reward.state, reward.proposed) == (RewardState.PROPOSED, Decimal(7500))


def test_a_tip_not_yet_verified_gets_no_reward(county):
    tip = verified(filed(county.town), state=State.VERIFYING)

    with pytest.raises(ValidationError) as refused:
        rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(50000))

    assert refused.value.messages == ["举报核查办结后方可记录奖励。"]
    assert not Reward.objects.exists()


# Bad input: nothing half saved ---------------------------------------------------------


def test_a_percentage_rule_without_a_recorded_fine_is_refused_and_nothing_saved(county, office):
    tip = verified(filed(county.town))

    with pytest.raises(ValidationError) as refused:
        rewards.record_reward(actor=county.office_staff, tip=tip, penalty_decision="责令整改")
    page = office.post(
        reverse("tips:tip_reward", args=[tip.pk]), {"fine": "", "penalty_decision": "责令整改"}
    )

    said = "请先填写罚款金额：该类举报按罚款金额的比例奖励。"
    assert refused.value.message_dict == {"fine": [said]}
    assert page.status_code == 400
    assert said in page.content.decode()
    assert not Reward.objects.exists()
    assert not TipEvent.objects.filter(kind=EventKind.REWARD).exists()
    assert not AuditEntry.objects.filter(action__startswith="reward.").exists()


def test_a_per_death_rule_needs_the_grade_and_the_deaths(county, office):
    tip = verified(filed(county.town, category=Category.CONCEALED_ACCIDENT))

    page = office.post(reverse("tips:tip_reward", args=[tip.pk]), {"accident_grade": ""})

    assert page.status_code == 400
    assert "请选择事故等级。" in page.content.decode()
    assert "请填写瞒报死亡人数。" in page.content.decode()
    assert not Reward.objects.exists()


def test_a_reward_cannot_be_changed_once_notified(county):
    tip = verified(filed(county.town))
    reward = rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(50000))
    rewards.issue_notice(actor=county.office_staff, reward=reward, on=date(2026, 7, 1))

    with pytest.raises(ValidationError):
        rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(900000))

    assert Reward.objects.get().proposed == Decimal(7500)


# The monthly cap per reporter --------------------------------------------------------------


def test_fixed_amounts_stop_at_the_reporters_monthly_cap_in_asia_shanghai(county):
    table(
        county.office_admin,
        county.county,
        other_violation=rule(RewardMethod.FIXED, fixed_amount="500", monthly_cap="1200"),
    )

    def reward_for(at, mobile=MOBILE):
        tip = verified(filed(county.town, category=Category.OTHER_VIOLATION, mobile=mobile, at=at))
        return rewards.record_reward(actor=county.office_staff, tip=tip)

    june = [reward_for(datetime(2026, 6, day, 10, tzinfo=SHANGHAI)) for day in (1, 10, 20)]
    full = reward_for(datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI))
    # 00:30 on 1 July in Beijing is still 30 June in UTC: a new month all the same.
    july = reward_for(datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI))
    someone_else = reward_for(datetime(2026, 6, 30, 9, tzinfo=SHANGHAI), mobile="13800000000")

    assert [r.proposed for r in june] == [Decimal(500), Decimal(500), Decimal(200)]
    assert "已获奖励 1 000 元，每月上限 1 200 元。按上限所余，本次奖励 200 元。" in june[2].basis
    assert (full.state, full.proposed) == (RewardState.NOT_ELIGIBLE, Decimal(0))
    assert (july.state, july.proposed) == (RewardState.PROPOSED, Decimal(500))
    assert (someone_else.state, someone_else.proposed) == (RewardState.PROPOSED, Decimal(500))

    # A lapsed reward no longer uses the cap: recorded again, the last June tip gets 500.
    Reward.objects.filter(pk=june[0].pk).update(state=RewardState.LAPSED)
    again = rewards.record_reward(actor=county.office_staff, tip=full.tip)
    assert (again.state, again.proposed) == (RewardState.PROPOSED, Decimal(500))


def test_a_paid_reward_counts_towards_the_cap_at_what_was_paid(county):
    table(
        county.office_admin,
        county.county,
        other_violation=rule(RewardMethod.FIXED, fixed_amount="500", monthly_cap="800"),
    )
    at = datetime(2026, 6, 1, 10, tzinfo=SHANGHAI)
    first = verified(filed(county.town, category=Category.OTHER_VIOLATION, at=at))
    second = verified(filed(county.town, category=Category.OTHER_VIOLATION, at=at))
    reward = rewards.record_reward(actor=county.office_staff, tip=first)
    rewards.issue_notice(actor=county.office_staff, reward=reward, on=date(2026, 7, 1))
    rewards.claim(first, date(2026, 7, 2))
    rewards.mark_paid(reward, Decimal(400), date(2026, 7, 3), county.office_staff)

    assert rewards.record_reward(actor=county.office_staff, tip=second).proposed == Decimal(400)


# The table in force --------------------------------------------------------------------


def test_the_table_in_force_is_the_nearest_offices_newest_at_the_time(county):
    percent = rule(RewardMethod.PERCENT_OF_FINE, percent="15")
    city_office = factories.person(county.county.parent, Role.OFFICE_ADMIN, "city")
    neighbour = county.outsider.memberships.get().organization

    def saved(actor, office, day):
        with time_machine.travel(datetime(2026, 6, day, 9, tzinfo=SHANGHAI), tick=False):
            return table(actor, office, major_hazard=percent)

    city = saved(city_office, county.county.parent, 1)
    first = saved(county.office_admin, county.county, 10)
    second = saved(county.office_admin, county.county, 20)
    newer_above = saved(city_office, county.county.parent, 25)

    def at(day, hour=9):
        return datetime(2026, 6, day, hour, tzinfo=SHANGHAI)

    assert reward_tables.table_in_force(county.county, at(1, 8)) is None
    assert reward_tables.table_in_force(county.county, at(5)) == city
    assert reward_tables.table_in_force(county.county, at(10)) == first  # saved at that moment
    assert reward_tables.table_in_force(county.county, at(15)) == first
    assert reward_tables.table_in_force(county.county, at(26)) == second  # the nearest office wins
    assert reward_tables.table_in_force(county.county, at(30)) == second
    assert reward_tables.table_in_force(county.town) == second
    assert reward_tables.table_in_force(neighbour, at(30)) == newer_above


def test_a_tip_keeps_the_table_in_force_when_it_was_accepted(county, office):
    ten = rule(RewardMethod.PERCENT_OF_FINE, percent="10", minimum="1000", maximum="100000")
    twenty = rule(RewardMethod.PERCENT_OF_FINE, percent="20", minimum="1000", maximum="100000")
    table(county.office_admin, county.county, major_hazard=ten)
    accepted = verified(filed(county.town))
    table(county.office_admin, county.county, major_hazard=twenty)  # saved after acceptance
    later = verified(filed(county.town, mobile="13800000000"))

    office.post(reverse("tips:tip_reward", args=[accepted.pk]), {"fine": "50000"})
    office.post(reverse("tips:tip_reward", args=[later.pk]), {"fine": "50000"})

    assert Reward.objects.get(tip=accepted).proposed == Decimal(5000)
    assert Reward.objects.get(tip=later).proposed == Decimal(10000)


# Another jurisdiction's table, set up in its pages alone -------------------------------


def table_form(**rules) -> dict:
    """The new-table form as posted: every category with no reward unless given."""
    data = {"first_reporter_only": "on", "note": "临泽县安全生产举报奖励办法"}
    for category in Category.values:
        values = rules.get(category, {"method": "none"})
        data |= {f"{category}-{field}": value for field, value in values.items()}
    return data


NEIGHBOUR_TABLE = table_form(
    major_hazard={
        "method": "percent_of_fine",
        "percent": "10",
        "minimum": "1000",
        "maximum": "100000",
    },
    concealed_accident={
        "method": "per_death",
        "per_death_general": "20000",
        "per_death_larger": "30000",
        "per_death_major": "40000",
        "per_death_especially_major": "50000",
        "maximum": "200000",
    },
    other_violation={"method": "fixed", "fixed_amount": "800", "monthly_cap": "2000"},
)


def test_another_jurisdictions_table_set_up_in_the_ui_proposes_its_amounts(county, login):
    neighbour = county.outsider.memberships.get().organization
    client = login(county.outsider)
    form = client.get(reverse("tips:reward_table_new", args=[neighbour.pk]))
    assert form.status_code == 200
    assert 'name="major_hazard-percent" value="15"' in form.content.decode()  # the defaults

    saved = client.post(reverse("tips:reward_table_new", args=[neighbour.pk]), NEIGHBOUR_TABLE)

    assert saved.status_code == 302
    own = RewardTable.objects.get()
    assert own.office == neighbour
    listed = client.get(reverse("tips:reward_tables", args=[neighbour.pk])).content.decode()
    assert "罚款金额的 10%，最低 1 000 元，最高 100 000 元" in listed
    assert "每名举报人每月最多 2 000 元" in listed

    def proposed(category, form, mobile=MOBILE, at=None):
        tip = verified(filed(neighbour, category=category, mobile=mobile, at=at))
        assert tip.office == neighbour
        assert tip.reward_table == own
        response = client.post(reverse("tips:tip_reward", args=[tip.pk]), form)
        assert response.status_code == 302, response.content.decode()
        return Reward.objects.get(tip=tip)

    assert proposed("major_hazard", {"fine": "50000"}).proposed == Decimal(5000)
    assert proposed("major_hazard", {"fine": "5000"}).proposed == Decimal(1000)  # minimum
    assert proposed("major_hazard", {"fine": "3000000"}).proposed == Decimal(100000)  # maximum
    larger = {"accident_grade": "larger", "deaths": "3"}
    assert proposed("concealed_accident", larger).proposed == Decimal(90000)
    major = {"accident_grade": "major", "deaths": "6"}
    assert proposed("concealed_accident", major).proposed == Decimal(200000)  # cap
    june = datetime(2026, 6, 15, 10, tzinfo=SHANGHAI)
    fixed = [proposed("other_violation", {}, "13800000000", june).proposed for _ in range(3)]
    assert fixed == [Decimal(800), Decimal(800), Decimal(400)]  # monthly cap
    illegal = proposed("illegal_operation", {"fine": "50000"})
    assert (illegal.state, illegal.proposed) == (RewardState.NOT_ELIGIBLE, Decimal(0))
    # The county next door still follows the national defaults.
    assert reward_tables.table_in_force(county.county) is None


@pytest.mark.parametrize(
    ("rules", "field", "said"),
    [
        (
            {"major_hazard": {"method": "percent_of_fine", "percent": "101"}},
            "major_hazard-percent",
            "比例须在 0 到 100 之间。",
        ),
        (
            {
                "major_hazard": {
                    "method": "percent_of_fine",
                    "percent": "15",
                    "minimum": "5000",
                    "maximum": "3000",
                }
            },
            "major_hazard-minimum",
            "最低金额不能高于最高金额。",
        ),
        (
            {"other_violation": {"method": "fixed", "fixed_amount": "-1"}},
            "other_violation-fixed_amount",
            "金额不能为负数。",
        ),
        (
            {"other_violation": {"method": "fixed", "fixed_amount": ""}},
            "other_violation-fixed_amount",
            "该计算方式须填写此项。",
        ),
        (
            {
                "concealed_accident": {
                    "method": "per_death",
                    "per_death_general": "30000",
                    "per_death_larger": "40000",
                    "per_death_major": "50000",
                }
            },
            "concealed_accident-per_death_especially_major",
            "该计算方式须填写此项。",
        ),
        (
            {"major_hazard": {"method": "percent_of_fine", "percent": ""}},
            "major_hazard-percent",
            "该计算方式须填写此项。",
        ),
    ],
)
def test_a_wrong_table_says_what_is_wrong_and_saves_nothing(county, login, rules, field, said):
    client = login(county.office_admin)

    page = client.post(
        reverse("tips:reward_table_new", args=[county.county.pk]), table_form(**rules)
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert said in html
    assert f'id="id_{field}"' in html
    assert not RewardTable.objects.exists()


def test_the_service_refuses_a_wrong_rule_too(county):
    rules = dict.fromkeys(Category.values, NO_REWARD)
    rules[Category.MAJOR_HAZARD] = rule(RewardMethod.PERCENT_OF_FINE, percent="150")

    with pytest.raises(ValidationError) as refused:
        reward_tables.save_table(actor=county.office_admin, office=county.county, rules=rules)

    assert refused.value.message_dict == {"major_hazard-percent": ["比例须在 0 到 100 之间。"]}
    assert not RewardTable.objects.exists()


def test_a_saved_table_keeps_only_what_its_methods_use(county, login):
    client = login(county.office_admin)
    form = table_form(
        other_violation={"method": "fixed", "fixed_amount": "500", "percent": "15"},
    )

    client.post(reverse("tips:reward_table_new", args=[county.county.pk]), form)

    kept = RewardTable.objects.get().rules.get(category=Category.OTHER_VIOLATION)
    assert (kept.fixed_amount, kept.percent, kept.monthly_cap) == (Decimal(500), None, None)


def test_the_new_table_form_is_filled_from_the_table_in_force(county, login):
    city_office = factories.person(county.county.parent, Role.OFFICE_ADMIN, "city")
    table(
        city_office,
        county.county.parent,
        major_hazard=rule(RewardMethod.PERCENT_OF_FINE, percent="12.5", minimum="2000"),
    )

    page = login(county.office_admin).get(reverse("tips:reward_table_new", args=[county.county.pk]))

    html = page.content.decode()
    assert 'name="major_hazard-percent" value="12.50"' in html
    assert 'name="major_hazard-minimum" value="2000.00"' in html
    assert "张掖市" in html


def test_the_table_list_costs_the_same_queries_for_one_and_three_tables(county, login):
    client = login(county.office_admin)
    url = reverse("tips:reward_tables", args=[county.county.pk])
    table(county.office_admin, county.county)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    table(county.office_admin, county.county)
    table(county.office_admin, county.county)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)

    assert page.content.decode().count("data-table=") == 3
    assert len(three) == len(one)


# Notice, claim window, payment ----------------------------------------------------------


def notified(county, on=date(2026, 7, 1)) -> Reward:
    tip = verified(filed(county.town))
    reward = rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(50000))
    return rewards.issue_notice(actor=county.office_staff, reward=reward, on=on)


def test_the_notice_gives_the_reporter_60_days_to_claim(county):
    reward = notified(county)

    assert reward.state == RewardState.NOTIFIED
    assert (reward.notice_on, reward.claim_due) == (date(2026, 7, 1), date(2026, 8, 30))
    told = TipEvent.objects.get(tip=reward.tip, kind=EventKind.REWARD, to_reporter=True)
    assert (
        told.note == "奖励通知：奖励 7 500 元，请于 2026-08-30（含当日）前领取，逾期未领视为放弃。"
    )
    assert AuditEntry.objects.filter(action="reward.notice").count() == 1


def test_the_claim_window_follows_the_jurisdictions_rules(county):
    TipRules.objects.create(office=county.county.parent, claim_days=30)

    assert notified(county).claim_due == date(2026, 7, 31)


def test_a_claim_on_day_60_is_in_time(county):
    reward = notified(county)

    claimed = rewards.claim(reward.tip, date(2026, 8, 30))

    assert (claimed.state, claimed.claimed_on) == (RewardState.CLAIMED, date(2026, 8, 30))
    assert rewards.lapse_due(date(2026, 12, 31)) == 0
    with pytest.raises(ValidationError) as twice:
        rewards.claim(reward.tip, date(2026, 8, 30))
    assert twice.value.code == "claimed"


def test_the_notice_lapses_on_day_61(county):
    reward = notified(county)

    assert rewards.lapse_due(date(2026, 8, 30)) == 0
    with pytest.raises(ValidationError) as late:
        rewards.claim(reward.tip, date(2026, 8, 31))
    assert late.value.code == "lapsed"
    assert late.value.messages == ["该奖励的领取期限已于 2026-08-30 届满，奖励已失效。"]
    assert Reward.objects.get().state == RewardState.NOTIFIED  # until the daily run

    assert rewards.lapse_due(date(2026, 8, 31)) == 1
    assert rewards.lapse_due(date(2026, 8, 31)) == 0  # safe to run twice
    assert Reward.objects.get().state == RewardState.LAPSED
    assert TipEvent.objects.filter(
        kind=EventKind.REWARD,
        to_reporter=True,
        note="奖励未在 2026-08-30（含当日）前领取，视为放弃，已失效。",
    ).exists()
    with pytest.raises(ValidationError) as lapsed:
        rewards.claim(reward.tip, date(2026, 8, 31))
    assert lapsed.value.code == "lapsed"


def test_the_hourly_task_lapses_by_the_date_in_asia_shanghai(county):
    notified(county)

    # 16:30 UTC on 30 August is 00:30 on 31 August in Beijing: day 61.
    with time_machine.travel(datetime(2026, 8, 30, 16, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        lapse_rewards.call_local()

    assert Reward.objects.get().state == RewardState.LAPSED


def test_there_is_nothing_to_claim_before_the_notice(county):
    tip = verified(filed(county.town))
    rewards.record_reward(actor=county.office_staff, tip=tip, fine=Decimal(50000))

    with pytest.raises(ValidationError) as early:
        rewards.claim(tip, date(2026, 7, 1))

    assert early.value.code == "not_notified"
    assert early.value.messages == ["没有可领取的奖励通知。"]


def test_a_claimed_reward_is_paid_up_to_the_proposed_amount(county):
    reward = notified(county)
    rewards.claim(reward.tip, date(2026, 7, 10))

    with pytest.raises(ValidationError):
        rewards.mark_paid(reward, Decimal(7501), date(2026, 7, 20), county.office_staff)
    with pytest.raises(ValidationError):
        rewards.mark_paid(reward, Decimal(7500), date(2026, 7, 9), county.office_staff)
    paid = rewards.mark_paid(reward, Decimal(7500), date(2026, 7, 20), county.office_staff)

    assert (paid.state, paid.paid, paid.paid_on) == (
        RewardState.PAID,
        Decimal(7500),
        date(2026, 7, 20),
    )
    assert TipEvent.objects.filter(
        kind=EventKind.REWARD, to_reporter=True, note="奖励 7 500 元已于 2026-07-20 兑付。"
    ).exists()
    assert AuditEntry.objects.filter(action="reward.pay").count() == 1


def test_the_office_takes_a_reward_from_record_to_payment_on_its_pages(county, office):
    tip = verified(filed(county.town))
    url = reverse("tips:tip_reward", args=[tip.pk])
    detail = office.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
    assert 'id="reward-link"' in detail

    assert (
        office.post(url, {"fine": "50000", "penalty_decision": "高应急罚〔2026〕3号"}).status_code
        == 302
    )
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=SHANGHAI), tick=False):
        assert office.post(reverse("tips:reward_notice", args=[tip.pk])).status_code == 302
        assert office.post(reverse("tips:reward_claimed", args=[tip.pk])).status_code == 302
        refused = office.post(
            reverse("tips:reward_paid", args=[tip.pk]), {"amount": "9000", "paid_on": "2026-07-01"}
        )
        assert refused.status_code == 400
        assert "兑付金额须大于 0 且不超过拟奖励金额 7 500 元。" in refused.content.decode()
        paid = office.post(
            reverse("tips:reward_paid", args=[tip.pk]), {"amount": "7500", "paid_on": "2026-07-01"}
        )
    assert paid.status_code == 302

    reward = Reward.objects.get()
    assert (reward.state, reward.notice_on, reward.claim_due, reward.claimed_on) == (
        RewardState.PAID,
        date(2026, 7, 1),
        date(2026, 8, 30),
        date(2026, 7, 1),
    )
    page = office.get(url).content.decode()
    assert "罚款 50 000 元 × 15% = 7 500 元。" in page
    assert "已兑付" in page
    summary = office.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
    assert "7 500" in summary.split('id="reward"')[1]


def test_the_reward_section_is_for_the_tips_handling_office_only(county, login):
    tip = verified(filed(county.town))

    def section(person):
        page = login(person).get(reverse("tips:tip_detail", args=[tip.pk]))
        return page.status_code, 'id="reward"' in page.content.decode()

    assert section(county.office_staff) == (200, True)
    assert section(county.office_admin) == (200, True)
    assert section(county.outsider)[1] is False
    assert login(county.outsider).get(reverse("tips:tip_reward", args=[tip.pk])).status_code == 404
