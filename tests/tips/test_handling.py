"""Handling a tip with its legal clocks, in Asia/Shanghai calendar days (tips.clocks):
acceptance late on the last day of a month, the extension only the level above approves,
the reply deadline, an objection on day 10 and day 11, the re-examination by the right
level; each step refused from the wrong state or by the wrong person, saving nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from anxuan.orgs.enums import Role
from anxuan.tips import clocks, handling, services
from anxuan.tips.enums import EventKind, Extension, Sector, State
from anxuan.tips.models import Tip, TipRules
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
BACKEND = "anxuan.orgs.auth.UsernameOrMobileBackend"


def at(*parts: int):
    """A frozen moment, given as Asia/Shanghai wall-clock time."""
    return time_machine.travel(datetime(*parts, tzinfo=SHANGHAI), tick=False)


def new_tip(county, **fields) -> Tip:
    values = {
        "place": county.town,
        "address": "工业园区 3 号",
        "target": "某化工有限公司",
        "category": "major_hazard",
        "description": "夜间在罐区违规动火作业，无人监护。",
        **fields,
    }
    return services.file_tip(**values).tip


@pytest.fixture
def city_staff(county):
    return factories.person(county.county.parent, Role.OFFICE_STAFF, "city-staff")


def verifying(county, accepted: tuple[int, ...] = (2026, 3, 2, 9)) -> Tip:
    tip = new_tip(county)
    with at(*accepted):
        return handling.accept(tip, county.office_staff)


def test_acceptance_late_on_the_last_day_of_a_month_counts_that_day(county):
    tip = new_tip(county)

    with at(2026, 1, 31, 23, 30):  # 15:30 UTC: still 31 January in Shanghai
        accepted = handling.accept(tip, county.office_staff)

    assert accepted.accepted_on == date(2026, 1, 31)
    assert accepted.verify_due == date(2026, 4, 1)  # 60 days: 28 in February, 31 in March
    assert accepted.state == State.VERIFYING
    told = accepted.events.get(kind=EventKind.ACCEPTED)
    assert told.to_reporter
    assert "2026-04-01" in told.note


def test_acceptance_just_after_midnight_in_shanghai_is_the_next_day(county):
    tip = new_tip(county)

    with at(2026, 2, 1, 0, 30):  # 16:30 UTC on 31 January
        accepted = handling.accept(tip, county.office_staff)

    assert accepted.accepted_on == date(2026, 2, 1)
    assert accepted.verify_due == date(2026, 4, 2)


def test_an_office_s_own_verify_days_start_the_clock(county):
    TipRules.objects.create(office=county.county.parent, verify_days=30)  # the city's rules

    tip = verifying(county, (2026, 3, 2, 9))

    assert tip.verify_due == date(2026, 4, 1)


def test_only_the_level_above_approves_an_extension_and_the_reporter_is_told(county, city_staff):
    tip = verifying(county)
    assert tip.verify_due == date(2026, 5, 1)
    with pytest.raises(ValidationError, match="1"):
        handling.request_extension(tip, county.office_staff, days=31, reason="现场取证")

    with at(2026, 4, 20, 10):
        handling.request_extension(tip, county.office_staff, days=30, reason="需要委托检测")
    with pytest.raises(PermissionDenied):
        handling.decide_extension(tip, county.office_admin, approve=True)  # its own office
    with pytest.raises(PermissionDenied):
        handling.decide_extension(tip, county.outsider, approve=True)
    approved = handling.decide_extension(tip, city_staff, approve=True)

    assert approved.extension == Extension.APPROVED
    assert approved.verify_due == date(2026, 5, 31)
    told = approved.events.get(kind=EventKind.EXTENSION_APPROVED)
    assert told.to_reporter
    assert told.office == county.county.parent
    assert "2026-05-31" in told.note
    with pytest.raises(ValidationError, match="只能延长一次"):
        handling.request_extension(approved, county.office_staff, days=5, reason="再延")


def test_no_extension_after_the_period(county):
    tip = verifying(county)

    with at(2026, 5, 2, 9), pytest.raises(ValidationError):
        handling.request_extension(tip, county.office_staff, days=10, reason="来不及")

    assert Tip.objects.get(pk=tip.pk).extension == Extension.NONE


def close(county, tip: Tip, on=(2026, 3, 25, 16)) -> Tip:
    with at(*on):
        return handling.close(
            tip,
            county.office_staff,
            conclusion="举报属实",
            findings="3 月 20 日现场检查，发现罐区动火未办理作业票。",
            decision="责令停产整改，罚款 5 万元。",
            reward_eligibility="符合奖励条件。",
        )


def test_the_reply_is_due_ten_days_after_closing_and_marked_when_late(county):
    tip = close(county, verifying(county))

    assert tip.state == State.CLOSED
    assert tip.reply_due == date(2026, 4, 4)
    rules = clocks.rules_for(tip.office)
    assert clocks.urgency(tip, rules, date(2026, 3, 26)) == ""
    assert clocks.urgency(tip, rules, date(2026, 3, 31)) == clocks.SOON
    assert clocks.urgency(tip, rules, date(2026, 4, 4)) == clocks.SOON
    assert clocks.urgency(tip, rules, date(2026, 4, 5)) == clocks.OVERDUE

    office = Client()
    office.force_login(county.office_staff, backend=BACKEND)
    with at(2026, 4, 5, 9):
        listed = office.get(reverse("tips:inbox")).content.decode()
    assert f'data-tip="{tip.pk}" data-urgency="overdue"' in listed


def test_closing_without_all_four_parts_saves_nothing(county):
    tip = verifying(county)

    with pytest.raises(ValidationError, match="四项"):
        handling.close(
            tip,
            county.office_staff,
            conclusion="属实",
            findings="",
            decision="整改",
            reward_eligibility="不符合",
        )

    fresh = Tip.objects.get(pk=tip.pk)
    assert fresh.state == State.VERIFYING
    assert fresh.conclusion == ""


def replied(county, on=(2026, 4, 1, 10)) -> Tip:
    tip = close(county, verifying(county))
    with at(*on):
        return handling.reply(tip, county.office_staff)


def test_an_objection_on_day_ten_is_in_time(county):
    tip = replied(county)
    assert tip.objection_due == date(2026, 4, 11)

    with at(2026, 4, 11, 23, 50):
        objected = handling.object_to(tip, text="处罚过轻，隐患未消除。")

    assert objected.state == State.OBJECTED
    assert objected.reexam_office == county.county.parent  # county → city
    assert objected.reexam_due == date(2026, 5, 11)


def test_an_objection_on_day_eleven_is_refused(county):
    tip = replied(county)

    with at(2026, 4, 12, 0, 10), pytest.raises(ValidationError, match="2026-04-11") as refused:
        handling.object_to(tip, text="处罚过轻")

    assert refused.value.code == "late"
    assert Tip.objects.get(pk=tip.pk).state == State.REPLIED


def test_the_city_re_examines_a_county_tip_and_the_county_cannot(county, city_staff):
    tip = replied(county)
    with at(2026, 4, 5, 9):
        tip = handling.object_to(tip, text="处罚过轻")

    with pytest.raises(PermissionDenied):
        handling.reexamine(tip, county.office_admin, outcome="upheld", result="维持")
    with at(2026, 4, 20, 9):
        final = handling.reexamine(
            tip, city_staff, outcome="revised", result="责令县局重新核查并从重处罚。"
        )

    assert final.state == State.FINAL
    assert final.final_on == date(2026, 4, 20)
    assert final.events.get(kind=EventKind.REEXAMINED).office == county.county.parent


def test_a_city_tip_is_re_examined_by_the_province(county):
    city = county.county.parent
    tip = new_tip(county, place=city)  # the place is the city itself: the city handles it
    assert tip.office == city
    staff = factories.person(city, Role.OFFICE_STAFF, "city-handler")
    with at(2026, 3, 2, 9):
        tip = handling.accept(tip, staff)
    tip = handling.close(
        tip, staff, conclusion="属实", findings="查实", decision="整改", reward_eligibility="否"
    )
    tip = handling.reply(tip, staff)

    objected = handling.object_to(tip, text="不服")

    assert objected.reexam_office == city.parent


def test_a_field_outside_the_remit_is_transferred_not_accepted(county):
    tip = new_tip(county, sector=Sector.ROAD_TRAFFIC)

    with pytest.raises(ValidationError, match="公安机关交通管理部门"):
        handling.accept(tip, county.office_staff)
    moved = handling.transfer(tip, county.office_staff, department="县公安局交警大队")

    assert moved.state == State.TRANSFERRED
    assert moved.events.get(kind=EventKind.TRANSFERRED).to_reporter


def test_the_city_assigns_a_tip_down_to_a_county(county, city_staff):
    city = county.county.parent
    tip = new_tip(county, place=city)

    moved = handling.assign(tip, city_staff, office=county.county)

    assert moved.office == county.county
    assert moved.state == State.RECEIVED
    with pytest.raises(ValidationError):
        handling.assign(moved, county.office_staff, office=city)  # never upwards


def test_a_withdrawn_tip_gets_no_reply(county):
    tip = verifying(county)

    handling.withdraw(tip)

    with pytest.raises(ValidationError):
        close(county, tip)
    assert Tip.objects.get(pk=tip.pk).state == State.WITHDRAWN


def test_a_second_tip_on_the_same_matter_is_suggested_and_merged(county):
    first = new_tip(county)
    second = new_tip(
        county, target="某化工公司", description="化工公司罐区晚上有人动火，没人看着。"
    )
    unrelated = new_tip(
        county, place=county.other_town, target="某砖厂", description="砖厂粉尘很大，工人不戴口罩。"
    )

    assert handling.duplicates_of(second) == [first]
    assert unrelated not in handling.duplicates_of(first)
    handling.merge(second, county.office_staff, into=first)

    assert Tip.objects.get(pk=second.pk).merged_into == first
    assert Tip.objects.get(pk=second.pk).state == State.MERGED


def test_handlers_are_reminded_once_of_a_reply_soon_due_and_again_when_overdue(county):
    from django.core import mail

    from anxuan.core.models import Notice
    from anxuan.tips import reminders

    county.office_staff.email = "staff@example.org"
    county.office_staff.save()
    tip = close(county, verifying(county))  # reply due 2026-04-04

    assert reminders.send_clock_reminders(date(2026, 3, 26)) == 0
    assert reminders.send_clock_reminders(date(2026, 4, 1)) == 1
    assert reminders.send_clock_reminders(date(2026, 4, 2)) == 0  # told once
    assert reminders.send_clock_reminders(date(2026, 4, 5)) == 1  # now overdue

    notices = Notice.objects.filter(recipient=county.office_staff)
    assert notices.count() == 2
    assert all(reverse("tips:tip_detail", args=[tip.pk]) == n.link for n in notices)
    assert len(mail.outbox) == 2
    assert "2026-04-04" in mail.outbox[-1].body
