"""The handling pages as their users meet them: staff enter a hotline tip and read the
receipt back; the county accepts, closes with the four parts and replies from the tip's
page (a double click moves nothing twice, a missing part saves nothing); the reporter,
back with the receipt, writes to the office and objects; the city sees the objection
waiting and re-examines; the reporter reads the result."""

import re
from datetime import date
from decimal import Decimal

import time_machine
from django.test import Client
from django.urls import reverse

from anxuan.orgs.enums import Role
from anxuan.tips import handling, rewards, services
from anxuan.tips.enums import Channel, EventKind, RewardState, State
from anxuan.tips.models import Tip
from tests import factories
from tests.tips.test_intake import solved

BACKEND = "anxuan.orgs.auth.UsernameOrMobileBackend"


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person, backend=BACKEND)
    return client


def receipt_of(page: str) -> tuple[str, str]:
    receipt = re.search(r'id="receipt-code">([\d ]+)<', page).group(1)
    passphrase = re.search(r'id="receipt-passphrase">([^<]+)<', page).group(1)
    return receipt, passphrase


def step(client: Client, tip: Tip, name: str, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    return client.post(reverse("tips:tip_step", args=[tip.pk, name]), data)


def test_a_hotline_tip_is_entered_by_staff_who_read_the_receipt_back(county):
    staff = logged_in(county.office_staff)
    form = staff.get(reverse("tips:enter_tip")).content.decode()
    assert 'name="channel"' in form

    sent = staff.post(
        reverse("tips:enter_tip"),
        {
            "channel": "phone",
            "category": "illegal_operation",
            "sector": "industry_trade",
            "place": county.other_town.pk,
            "address": "宣化镇砖厂路",
            "target": "某砖厂",
            "description": "来电反映砖厂夜间违规生产。",
            "name": "李明",
            "mobile": "13800001111",
        },
    )

    page = sent.content.decode()
    assert sent.status_code == 200
    assert sent["Cache-Control"] == "no-store"
    assert 'id="read-back"' in page
    receipt, passphrase = receipt_of(page)
    tip = Tip.objects.get()
    assert tip.channel == Channel.PHONE
    assert tip.entered_by == county.office_staff
    assert tip.identified
    assert services.follow(receipt, passphrase) == tip


def test_the_county_handles_a_tip_and_the_city_re_examines_the_objection(county):
    public = Client()
    filed = public.post(
        reverse("tips:file_tip"),
        {
            "category": "major_hazard",
            "place": county.town.pk,
            "address": "城关镇工业园区 3 号",
            "target": "某化工有限公司",
            "description": "夜间在罐区违规动火作业，无人监护。",
            "captcha": solved(public),
        },
    )
    receipt, passphrase = receipt_of(filed.content.decode())
    tip = Tip.objects.get()
    office = logged_in(county.office_staff)

    assert (
        'id="step-accept"' in office.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
    )
    assert step(office, tip, "accept", sector="industry_trade").status_code == 302
    again = step(office, tip, "accept", sector="industry_trade")  # the double click
    assert again.status_code == 400
    assert tip.events.filter(kind=EventKind.ACCEPTED).count() == 1

    half = step(
        office,
        tip,
        "close",
        conclusion="属实",
        findings="",
        decision="整改",
        reward_eligibility="否",
    )
    assert half.status_code == 400
    assert Tip.objects.get(pk=tip.pk).state == State.VERIFYING
    four = {
        "conclusion": "举报属实",
        "findings": "现场检查发现罐区动火未办理作业票。",
        "decision": "责令整改，罚款 5 万元。",
        "reward_eligibility": "符合奖励条件。",
    }
    assert step(office, tip, "close", **four).status_code == 302
    assert step(office, tip, "reply").status_code == 302

    reporter = Client()
    opened = reporter.post(
        reverse("tips:follow_tip"),
        {"receipt": receipt, "passphrase": passphrase, "captcha": solved(reporter)},
    ).content.decode()
    assert "现场检查发现罐区动火未办理作业票" in opened
    assert 'id="objection"' in opened
    wrote = reporter.post(
        reverse("tips:reporter_step", args=["message"]), {"text": "罐区还在动火。"}
    )
    assert wrote.status_code == 302
    objected = reporter.post(reverse("tips:reporter_step", args=["object"]), {"text": "处罚过轻。"})
    assert objected.status_code == 302
    assert Tip.objects.get(pk=tip.pk).state == State.OBJECTED
    history = office.get(reverse("tips:tip_detail", args=[tip.pk])).content.decode()
    assert "罐区还在动火。" in history
    assert 'id="step-reexamine"' not in history  # the county does not re-examine itself

    city = logged_in(factories.person(county.county.parent, Role.OFFICE_STAFF, "city-staff"))
    waiting = city.get(reverse("tips:inbox")).content.decode()
    assert 'id="waiting"' in waiting
    assert "某化工有限公司" in waiting.split('id="waiting"')[1].split("</section>")[0]
    done = step(city, tip, "reexamine", outcome="revised", result="责令县局从重处罚。")
    assert done.status_code == 302

    back = reporter.get(reverse("tips:follow_tip")).content.decode()
    assert "责令县局从重处罚。" in back
    assert "张掖市" in back


def test_the_reporter_s_steps_end_with_the_session_s_time(county):
    filed = services.file_tip(
        place=county.town,
        address="某地",
        target="某厂",
        category="major_hazard",
        description="违规动火",
    )
    reporter = Client()
    reporter.post(
        reverse("tips:follow_tip"),
        {"receipt": filed.receipt, "passphrase": filed.passphrase, "captcha": solved(reporter)},
    )

    with time_machine.travel(services.time.time() + services.FOLLOW_SECONDS + 1):
        late = reporter.post(reverse("tips:reporter_step", args=["withdraw"]))

    assert late.status_code == 403
    assert "回执码" in late.content.decode()
    assert Tip.objects.get().state == State.RECEIVED
    withdrawn = reporter.post(reverse("tips:reporter_step", args=["withdraw"]))
    assert withdrawn.status_code == 403  # the expired hold is gone, not revived


def test_the_reporter_claims_a_notified_reward_from_the_follow_page(county):
    filed = services.file_tip(
        place=county.town,
        address="某地",
        target="某化工厂",
        category="major_hazard",
        description="违规动火",
        name="王强",
        mobile="13912345678",
    )
    staff = county.office_staff
    tip = handling.accept(filed.tip, staff)
    tip = handling.close(
        tip,
        staff,
        conclusion="属实",
        findings="查实",
        decision="罚款 10 万元",
        reward_eligibility="符合",
    )
    handling.reply(tip, staff)
    reward = rewards.record_reward(actor=staff, tip=tip, fine=Decimal("100000"))
    rewards.issue_notice(actor=staff, reward=reward)
    reporter = Client()
    page = reporter.post(
        reverse("tips:follow_tip"),
        {"receipt": filed.receipt, "passphrase": filed.passphrase, "captcha": solved(reporter)},
    ).content.decode()
    assert 'id="reward"' in page
    assert "15000" in page.replace(" ", "").replace(",", "")

    claimed = reporter.post(reverse("tips:reporter_step", args=["claim"]))

    assert claimed.status_code == 302
    assert Tip.objects.get(pk=tip.pk).reward.state == RewardState.CLAIMED
    again = reporter.post(reverse("tips:reporter_step", args=["claim"]))
    assert again.status_code == 400
    assert "已领取" in again.content.decode()


def test_a_city_sets_its_own_clocks_and_remit_in_the_ui_and_its_counties_follow(county):
    city = county.county.parent
    admin = logged_in(factories.person(city, Role.OFFICE_ADMIN, "city-admin"))
    page = admin.get(reverse("tips:rules", args=[city.pk])).content.decode()
    assert 'value="60"' in page  # the national verification days, until the city saves

    fields = {
        "verify_days": 45,
        "extension_days": 15,
        "reply_days": 7,
        "objection_days": 15,
        "reexam_days": 20,
        "claim_days": 90,
        "soon_days": 3,
        "remit": ["industry_trade", "mining", "hazchem", "fireworks", "gas", "other"],
    }
    departments = {
        "department_road_traffic": "市公安局交警支队",
        "department_construction": "市住建局",
        "department_fire": "市消防救援支队",
        "department_special_equipment": "",  # missing: refused, nothing saved
    }
    refused = admin.post(reverse("tips:rules", args=[city.pk]), {**fields, **departments})
    assert refused.status_code == 400
    assert "特种设备" in refused.content.decode()
    departments["department_special_equipment"] = "市市场监管局"
    saved = admin.post(reverse("tips:rules", args=[city.pk]), {**fields, **departments})
    assert saved.status_code == 302

    gas = services.file_tip(
        place=county.town,
        address="某地",
        target="某燃气站",
        category="major_hazard",
        sector="gas",
        description="燃气管道泄漏",
    ).tip
    road = services.file_tip(
        place=county.town,
        address="某路",
        target="某运输公司",
        category="major_hazard",
        sector="road_traffic",
        description="货车超载",
    ).tip
    with time_machine.travel(date(2026, 3, 2)):
        accepted = handling.accept(gas, county.office_staff)  # gas is in the city's remit
    assert accepted.verify_due == date(2026, 4, 16)  # 45 days
    staff = logged_in(county.office_staff)
    page = staff.get(reverse("tips:tip_detail", args=[road.pk])).content.decode()
    assert "市公安局交警支队" in page  # the transfer suggested to the county
    assert (
        logged_in(county.office_admin).get(reverse("tips:rules", args=[city.pk])).status_code == 404
    )
