"""Hazard tips through the API: a member of the public files a tip with the CAPTCHA and
follows it by receipt and passphrase; the county handles it, the reporter objects, the
city re-examines. The reporter's name and mobile never appear in any answer; the CAPTCHA,
the rate limit and the receipt lockout hold; a list's queries do not grow; the figures
are the selector's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import Role
from anxuan.tips import custody, handling, services
from anxuan.tips.enums import EventKind, State
from anxuan.tips.models import IdentityAccess, Tip
from anxuan.tips.selectors import tip_figures
from tests import factories
from tests.api.conftest import ApiClient, token_for
from tests.api.test_lists import RATE_COUNT

SHANGHAI = ZoneInfo("Asia/Shanghai")
NAME, MOBILE = "王强", "13912345678"
FOUR_PARTS = {
    "conclusion": "举报属实",
    "findings": "现场核查发现罐区动火作业未办理作业票",
    "decision": "责令停产整改，罚款五万元",
    "reward_eligibility": "符合奖励条件",
}


def solved(client: ApiClient) -> str:
    """A CAPTCHA image for the client's session, and its answer as the session keeps it."""
    image = client.get("/tips/captcha")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    return client.client.session["captcha"]["answer"]


def tip_body(county, client: ApiClient | None = None, **fields) -> dict:
    return {
        "category": "major_hazard",
        "place_id": county.town.pk,
        "address": "城关镇工业园区 3 号",
        "target": "某化工有限公司",
        "seen_on": "2026-06-10",
        "description": "夜间在罐区违规动火作业，无人监护。",
        "captcha": solved(client) if client is not None else "",
        **fields,
    }


def new_tip(county, **fields) -> services.Filed:
    """A tip filed as the public form files it (the services, no HTTP)."""
    values = {
        "place": county.town,
        "address": "工业园区 3 号",
        "target": "某化工有限公司",
        "category": "major_hazard",
        "description": "夜间在罐区违规动火作业，无人监护。",
        **fields,
    }
    return services.file_tip(**values)


def tip_in(county, state: str) -> Tip:
    """A tip of the county taken by its staff up to `state` (received, verifying,
    extension, closed, replied, objected)."""
    tip = new_tip(county).tip
    steps = ["received", "verifying", "closed", "replied", "objected"]
    staff = county.office_staff
    if state == "extension":
        tip = handling.accept(tip, staff)
        return handling.request_extension(tip, staff, days=10, reason="需要委托检测")
    if steps.index(state) >= 1:
        tip = handling.accept(tip, staff)
    if steps.index(state) >= 2:
        tip = handling.close(tip, staff, **FOUR_PARTS)
    if steps.index(state) >= 3:
        tip = handling.reply(tip, staff)
    if steps.index(state) >= 4:
        tip = handling.object_to(tip, text="处罚过轻")
    return tip


def keys_of(tip: Tip) -> dict:
    """New receipt code and passphrase for a tip (the old ones stop working)."""
    renewed = services.rekey(tip)
    return {"receipt": renewed.receipt, "passphrase": renewed.passphrase}


def twins(county) -> tuple[Tip, Tip]:
    """Two tips on the same matter: the same place and target."""
    return new_tip(county).tip, new_tip(county, description="罐区有人动火").tip


@pytest.fixture
def city_staff(county):
    return factories.person(county.county.parent, Role.OFFICE_STAFF, "city-staff")


def never_the_reporter(tip: Tip, bodies: list[bytes]) -> None:
    """No answer holds the name, the mobile, the stored hashes, the key or an address."""
    tip.refresh_from_db()
    secrets = [NAME, MOBILE, tip.receipt_hash, tip.passphrase, tip.reporter_key, "127.0.0.1"]
    leaked = {s for s in secrets for body in bodies if s and s.encode() in body}
    assert leaked == set()


def test_a_tip_from_filing_to_re_examination(county, city_staff):
    reporter = ApiClient()  # nobody: no token, no login
    office = ApiClient(token_for(county.office_staff))
    city = ApiClient(token_for(city_staff))
    bodies = []

    def keep(response, status: int = 200) -> dict:
        bodies.append(response.content)
        assert response.status_code == status, response.content.decode()
        return response.json()

    filed = keep(reporter.post("/tips", tip_body(county, reporter, name=NAME, mobile=MOBILE)), 201)
    tip = Tip.objects.get()
    keys = {"receipt": filed["receipt"], "passphrase": filed["passphrase"]}
    listed = keep(office.get("/tips"))
    accepted = keep(office.post(f"/tips/{tip.pk}/steps/accept", {}))
    closed = keep(office.post(f"/tips/{tip.pk}/steps/close", FOUR_PARTS))
    replied = keep(office.post(f"/tips/{tip.pk}/steps/reply"))
    followed = keep(reporter.post("/tips/follow", keys))
    objected = keep(
        reporter.post("/tips/follow/object", {**keys, "text": "处罚过轻，企业仍在违规"})
    )
    refused = keep(
        office.post(f"/tips/{tip.pk}/steps/reexamine", {"outcome": "upheld", "result": "x"}), 403
    )
    reexamined = keep(
        city.post(f"/tips/{tip.pk}/steps/reexamine", {"outcome": "upheld", "result": "维持原处理"})
    )
    final = keep(reporter.post("/tips/follow", keys))
    keep(office.get(f"/tips/{tip.pk}"))

    assert len(filed["receipt"].replace(" ", "")) == 16
    assert filed["office"] == {"id": county.county.pk, "name": "高台县"}
    assert filed["state"] == "received"
    assert tip.identified
    assert [(t["id"], t["state"], t["identified"]) for t in listed["items"]] == [
        (tip.pk, "received", True)
    ]
    assert accepted["state"] == "verifying"
    assert accepted["due"] == accepted["verify_due"]
    assert "close" in accepted["steps"]
    assert closed["state"] == "closed"
    assert closed["conclusion"] == "举报属实"
    assert replied["state"] == "replied"
    assert followed["state"] == "replied"
    assert followed["office"] == "高台县"
    assert followed["reply"] == {
        **FOUR_PARTS,
        "replied_on": replied["replied_on"],
        "objection_due": replied["objection_due"],
    }
    assert followed["may_object"] is True
    assert [e["kind"] for e in followed["events"]] == ["accepted", "replied"]
    assert objected["state"] == "objected"
    assert refused["code"] == "forbidden"  # the county does not re-examine its own reply
    assert reexamined["state"] == "final"
    assert reexamined["reexam_office"] == {"id": county.county.parent_id, "name": "张掖市"}
    assert final["reexamination"]["office"] == "张掖市"
    assert final["reexamination"]["result"] == "维持原处理"
    assert final["events"][-1]["kind"] == "reexamined"
    never_the_reporter(tip, bodies)


def test_the_reporter_messages_the_office_and_withdraws(county):
    tip = tip_in(county, "verifying")
    keys = keys_of(tip)
    reporter, office = ApiClient(), ApiClient(token_for(county.office_staff))

    told = office.post(f"/tips/{tip.pk}/steps/message", {"text": "请补充动火时间"})
    answered = reporter.post("/tips/follow/message", {**keys, "text": "每晚十点以后"})
    withdrawn = reporter.post("/tips/follow/withdraw", keys)
    again = reporter.post("/tips/follow/withdraw", keys)

    assert told.status_code == answered.status_code == withdrawn.status_code == 200
    events = answered.json()["events"]
    assert [(e["kind"], e["from_reporter"], e["office"], e["note"]) for e in events[1:]] == [
        ("message", False, "高台县", "请补充动火时间"),
        ("message", True, None, "每晚十点以后"),
    ]
    assert withdrawn.json()["state"] == "withdrawn"
    assert withdrawn.json()["may_withdraw"] is False
    assert again.status_code == 409
    assert again.json()["code"] == "state_conflict"
    assert withdrawn["Cache-Control"] == "no-store"


def test_the_captcha_holds_for_the_public_intake(county):
    public = ApiClient()

    none_fetched = public.post("/tips", tip_body(county, captcha="ABCDE"))
    answer = solved(public)
    wrong = public.post("/tips", tip_body(county, captcha="WRONG"))
    used_up = public.post("/tips", tip_body(county, captcha=answer))  # one try per image
    answer = solved(public)
    right = public.post("/tips", tip_body(county, captcha=answer.lower()))
    replayed = public.post("/tips", tip_body(county, captcha=answer))

    for refused in (none_fetched, wrong, used_up, replayed):
        assert refused.status_code == 400
        assert refused.json() == {
            "code": "captcha_failed",
            "message": "验证码错误或已过期，请重试。",
            "message_en": "The verification code is wrong or has expired; try again.",
            "fields": {"captcha": ["验证码错误或已过期，请重试。"]},
        }
    assert right.status_code == 201
    assert right["Cache-Control"] == "no-store"
    assert Tip.objects.count() == 1


def test_a_challenge_expires_after_ten_minutes(county):
    public = ApiClient()
    with time_machine.travel(datetime(2026, 6, 10, 9, tzinfo=SHANGHAI), tick=False):
        answer = solved(public)
    with time_machine.travel(datetime(2026, 6, 10, 9, 11, tzinfo=SHANGHAI), tick=False):
        late = public.post("/tips", tip_body(county, captcha=answer))

    assert late.status_code == 400
    assert Tip.objects.count() == 0


def test_bad_input_says_why_in_chinese_and_saves_nothing(county):
    public = ApiClient()

    no_place = public.post("/tips", {k: v for k, v in tip_body(county).items() if k != "place_id"})
    nowhere = public.post("/tips", tip_body(county, public, place_id=county.enterprise.pk))
    too_long = public.post("/tips", tip_body(county, public, description="隐" * 20000))
    bad_mobile = public.post("/tips", tip_body(county, public, mobile="12345"))
    short_phrase = public.post("/tips", tip_body(county, public, passphrase="short"))

    assert no_place.status_code == 400
    assert no_place.json()["fields"] == {"place_id": ["这个字段是必填项。"]}
    assert nowhere.status_code == 400
    assert list(nowhere.json()["fields"]) == ["place_id"]
    assert too_long.status_code == 400
    assert too_long.json()["fields"] == {"description": ["最多 5000 个字符。"]}
    assert bad_mobile.status_code == 400
    assert list(bad_mobile.json()["fields"]) == ["mobile"]
    assert short_phrase.status_code == 400
    assert list(short_phrase.json()["fields"]) == ["passphrase"]
    assert Tip.objects.count() == 0


def test_the_public_intake_is_rate_limited_per_address(county):
    flood = ApiClient()
    elsewhere = ApiClient()
    elsewhere.client.defaults["REMOTE_ADDR"] = "10.0.0.9"

    codes = [flood.post("/tips", tip_body(county, flood)).status_code for _ in range(11)]
    limited = flood.post("/tips", tip_body(county, flood))
    other = elsewhere.post("/tips", tip_body(county, elsewhere))

    assert codes == [201] * 10 + [429]  # ten an hour from one network, as the page
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert limited.json()["message"] == "您所在网络的请求过于频繁，请稍后再试。"
    assert 0 < int(limited["Retry-After"]) <= 3600
    assert other.status_code == 201
    assert Tip.objects.count() == 11
    rows = AuditEntry.objects.filter(action="tips.file")
    assert rows.count() == 2 * 11  # each call, and each tip filed; the refused ones none
    assert {row.address_hash for row in rows} == {""}  # no address kept for a reporter


def test_wrong_passphrases_lock_the_receipt(county):
    keys = keys_of(tip_in(county, "replied"))
    guesser = ApiClient()

    guesses = [guesser.post("/tips/follow", {**keys, "passphrase": f"guess-{n}"}) for n in range(5)]
    locked = guesser.post("/tips/follow", keys)
    locked_step = ApiClient().post("/tips/follow/object", {**keys, "text": "异议"})

    assert {g.status_code for g in guesses} == {400}
    assert guesses[0].json()["code"] == "receipt_wrong"
    assert guesses[0].json()["message"] == "回执码或查询密码不正确。"
    assert locked.status_code == 429
    assert locked.json()["code"] == "receipt_locked"
    assert locked["Retry-After"] == "3600"
    assert locked_step.status_code == 429
    assert Tip.objects.get().state == State.REPLIED


def test_an_unknown_receipt_gets_the_same_answer_as_a_wrong_passphrase(county):
    keys = keys_of(tip_in(county, "received"))

    unknown = ApiClient().post("/tips/follow", {**keys, "receipt": "1234 5678 9012 3456"})
    wrong = ApiClient().post("/tips/follow", {**keys, "passphrase": "not-the-one"})

    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_an_objection_on_day_ten_is_in_time_and_on_day_eleven_is_late(county):
    tip = tip_in(county, "closed")
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=SHANGHAI), tick=False):
        handling.reply(tip, county.office_staff)
    keys = keys_of(tip)

    with time_machine.travel(datetime(2026, 6, 12, 9, tzinfo=SHANGHAI), tick=False):
        day_eleven = ApiClient().post("/tips/follow/object", {**keys, "text": "不服"})
        shown = ApiClient().post("/tips/follow", keys).json()
    with time_machine.travel(datetime(2026, 6, 11, 23, 50, tzinfo=SHANGHAI), tick=False):
        day_ten = ApiClient().post("/tips/follow/object", {**keys, "text": "不服"})

    assert day_eleven.status_code == 409
    assert day_eleven.json()["message"] == "异议期已于 2026-06-11 结束。"
    assert day_eleven.json()["message_en"] == "The time to object ended on 2026-06-11."
    assert shown["may_object"] is False
    assert day_ten.status_code == 200
    assert day_ten.json()["state"] == "objected"


def test_only_the_level_above_decides_an_extension(county, city_staff):
    tip = tip_in(county, "extension")
    due = tip.verify_due

    own = ApiClient(token_for(county.office_admin)).post(
        f"/tips/{tip.pk}/steps/decide_extension", {"approve": True}
    )
    approved = ApiClient(token_for(city_staff)).post(
        f"/tips/{tip.pk}/steps/decide_extension", {"approve": True}
    )

    assert own.status_code == 403
    assert approved.status_code == 200
    assert approved.json()["extension"] == "approved"
    assert date.fromisoformat(approved.json()["verify_due"]) == date.fromordinal(
        due.toordinal() + 10
    )


def test_a_step_from_the_wrong_state_is_a_conflict_and_saves_nothing(county):
    tip = tip_in(county, "received")
    office = ApiClient(token_for(county.office_staff))

    reply = office.post(f"/tips/{tip.pk}/steps/reply")
    close = office.post(f"/tips/{tip.pk}/steps/close", {**FOUR_PARTS, "findings": " "})
    accepted = office.post(f"/tips/{tip.pk}/steps/accept", {})
    three_parts = office.post(f"/tips/{tip.pk}/steps/close", {**FOUR_PARTS, "findings": " "})
    no_reason = office.post(f"/tips/{tip.pk}/steps/extend", {"days": 10, "reason": ""})
    too_long = office.post(f"/tips/{tip.pk}/steps/extend", {"days": 31, "reason": "检测"})

    assert reply.status_code == close.status_code == 409
    assert reply.json()["code"] == "state_conflict"
    assert reply.json()["message"] == "该举报当前不能进行此操作。"
    assert reply.json()["message_en"] == "This step is not open for this tip now."
    assert accepted.status_code == 200
    assert three_parts.status_code == 400
    assert no_reason.status_code == 400
    assert list(no_reason.json()["fields"]) == ["reason"]
    assert too_long.status_code == 400
    assert too_long.json()["message"] == "延长期限为 1 至 30 天。"
    fresh = Tip.objects.get()
    assert (fresh.state, fresh.conclusion, fresh.extension) == (State.VERIFYING, "", "")


def test_a_field_outside_the_remit_is_transferred_not_accepted(county):
    tip = tip_in(county, "received")
    office = ApiClient(token_for(county.office_staff))

    accepted = office.post(f"/tips/{tip.pk}/steps/accept", {"sector": "road_traffic"})
    detail = office.get(f"/tips/{tip.pk}").json()
    transferred = office.post(
        f"/tips/{tip.pk}/steps/transfer", {"department": "公安机关交通管理部门"}
    )

    assert accepted.status_code == 400
    assert "公安机关交通管理部门" in accepted.json()["message"]
    assert detail["outside_remit"] == ""  # the tip's own field is still industry and trade
    assert transferred.status_code == 200
    assert transferred.json()["state"] == "transferred"


def test_assigning_down_and_merging_a_matter(county):
    tip, twin = twins(county)
    office = ApiClient(token_for(county.office_admin))

    detail = office.get(f"/tips/{twin.pk}").json()
    not_below = office.post(f"/tips/{tip.pk}/steps/assign", {"office_id": county.county.pk})
    merged = office.post(f"/tips/{twin.pk}/steps/merge", {"into_id": tip.pk})
    assigned = office.post(f"/tips/{tip.pk}/steps/assign", {"office_id": county.town.pk})

    assert detail["duplicate_ids"] == [tip.pk]
    assert "merge" in detail["steps"]
    assert not_below.status_code == 400
    assert list(not_below.json()["fields"]) == ["office_id"]
    assert merged.status_code == 200
    assert (merged.json()["state"], merged.json()["merged_into_id"]) == ("merged", tip.pk)
    assert assigned.status_code == 200
    assert assigned.json()["office"]["id"] == county.town.pk


def test_a_merged_tip_s_reporter_follows_the_matter(county):
    tip, twin = twins(county)
    handling.merge(twin, county.office_staff, into=tip)
    handling.accept(tip, county.office_staff)
    keys = keys_of(Tip.objects.get(pk=twin.pk))

    seen = ApiClient().post("/tips/follow", keys).json()

    assert (seen["state"], seen["merged"], seen["may_withdraw"]) == ("verifying", True, False)
    assert [e["kind"] for e in seen["events"]] == [EventKind.MERGED]


def test_a_list_filters_by_state_and_marks_the_overdue(county):
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), tick=False):
        late = tip_in(county, "verifying")  # due 1 May
    waiting = tip_in(county, "received")
    office = ApiClient(token_for(county.office_staff))

    with time_machine.travel(datetime(2026, 5, 2, 9, tzinfo=SHANGHAI), tick=False):
        everything = office.get("/tips").json()["items"]
        verifying = office.get("/tips", state="verifying").json()["items"]

    assert [(t["id"], t["due"], t["urgency"]) for t in everything] == [
        (waiting.pk, None, ""),
        (late.pk, "2026-05-01", "overdue"),
    ]
    assert [t["id"] for t in verifying] == [late.pk]


def test_a_tip_outside_the_caller_s_offices_is_not_found(county):
    tip = tip_in(county, "received")

    seen = ApiClient(token_for(county.outsider)).get(f"/tips/{tip.pk}")
    step = ApiClient(token_for(county.outsider)).post(f"/tips/{tip.pk}/steps/accept", {})

    assert seen.status_code == step.status_code == 404
    assert Tip.objects.get().state == State.RECEIVED


@pytest.mark.parametrize("count", [1, 3])
def test_the_tip_list_queries_do_not_grow(county, django_assert_num_queries, count):
    for _ in range(count):
        tip_in(county, "verifying")
    office = ApiClient(token_for(county.office_staff))
    office.get("/me")  # the token's last use is noted once

    # token, RATE_COUNT, memberships, the page of tips, the rules of the tips' office
    with django_assert_num_queries(4 + RATE_COUNT):
        page = office.get("/tips").json()

    assert len(page["items"]) == count


def test_the_figures_are_the_selector_s(county, city_staff):
    with time_machine.travel(datetime(2026, 6, 2, 9, tzinfo=SHANGHAI), tick=False):
        tip_in(county, "replied")
        tip_in(county, "verifying")
        tip_in(county, "received")
        hotline = new_tip(county, channel="phone", category="concealed_accident").tip
        handling.refuse(hotline, county.office_staff, ground="no_facts")
    city = ApiClient(token_for(city_staff))
    office = ApiClient(token_for(county.office_staff))

    with time_machine.travel(datetime(2026, 8, 20, 9, tzinfo=SHANGHAI), tick=False):
        of_city = city.get("/tips/stats", start="2026-06-01", end="2026-06-30").json()
        of_county = office.get("/tips/stats").json()
        figures = tip_figures(county.county.parent, start=date(2026, 6, 1), end=date(2026, 6, 30))
        county_figures = tip_figures(county.county, start=date(2026, 1, 1), end=date(2026, 12, 31))

    def numbers(rows) -> list:
        return [
            (r.key, r.tally.received, r.tally.accepted, r.tally.verified, r.tally.overdue)
            for r in rows
        ]

    def answered(rows) -> list:
        return [(r["key"], r["received"], r["accepted"], r["verified"], r["overdue"]) for r in rows]

    assert of_city["office"] == {"id": county.county.parent_id, "name": "张掖市"}
    assert (
        (of_city["received"], of_city["accepted"], of_city["verified"])
        == (
            figures.received,
            figures.total.accepted,
            figures.verified,
        )
        == (4, 2, 1)
    )
    assert of_city["overdue"] == figures.overdue == 1  # verifying, due 1 August
    assert of_city["verified_rate"] == str(figures.verified_rate) == "50.0"
    for name in ("by_category", "by_region", "by_channel", "by_state", "by_month"):
        assert answered(of_city[name]) == numbers(getattr(figures, name)), name
    assert [r["organization_id"] for r in of_city["by_region"]] == [
        r.organization.pk if r.organization else None for r in figures.by_region
    ]
    assert of_city["closed"] == figures.closed == 1
    assert of_county["start"] == "2026-01-01"
    assert of_county["received"] == county_figures.received == 4


def test_the_figures_need_office_work_and_a_reachable_office(county):
    liaison = ApiClient(token_for(county.town_liaison)).get("/tips/stats")
    elsewhere = ApiClient(token_for(county.outsider)).get("/tips/stats", office=county.county.pk)
    backwards = ApiClient(token_for(county.office_staff)).get(
        "/tips/stats", start="2026-06-30", end="2026-06-01"
    )

    assert liaison.status_code == 403
    assert elsewhere.status_code == 404
    assert backwards.status_code == 400


def test_only_the_custodian_reveals_an_identity_and_every_reveal_is_logged(county):
    tip = new_tip(county, name="王强", mobile="13912345678").tip
    custody.name_custodian(
        actor=county.office_admin, office=county.county, person=county.office_staff
    )
    reason = {"reason": "核实举报人身份以兑付奖励"}

    refused = ApiClient(token_for(county.office_admin)).post(f"/tips/{tip.pk}/identity", reason)
    revealed = ApiClient(token_for(county.office_staff)).post(f"/tips/{tip.pk}/identity", reason)

    assert refused.status_code == 403
    assert "13912345678" not in refused.content.decode()
    assert revealed.status_code == 200
    assert revealed["Cache-Control"] == "no-store"
    assert revealed.json()["name"] == "王强"
    assert revealed.json()["mobile"] == "13912345678"
    access = IdentityAccess.objects.get()
    assert (access.person, access.reason) == (county.office_staff, reason["reason"])
