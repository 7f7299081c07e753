"""A week's report from a liaison's phone app, through the API with a Bearer token."""

from anxuan.campaigns.enums import RequirementKind
from anxuan.reports.models import Submission
from tests import factories
from tests.conftest import close_response
from tests.reports import evidence


def test_weekly_report_submitted_returned_resubmitted_and_accepted(county, weekly, api_as):
    _requirement, boards, leaflets = weekly
    week1 = factories.weekly_period(county.campaign, 1)
    liaison, office = api_as(county.town_liaison), api_as(county.office_admin)

    created = liaison.post(
        "/submissions",
        {
            "participant_id": county.participant.pk,
            "period_id": week1.pk,
            "text": "在城关镇广场开展安全生产宣传咨询日活动。",
            "activities": [
                {
                    "held_on": "2026-06-02",
                    "activity_type": "安全宣传咨询日",
                    "domain": "进社区",
                    "place": "城关镇广场",
                    "people_reached": 320,
                }
            ],
            "values": {str(boards.pk): 12, str(leaflets.pk): "850"},
        },
    )
    report = created.json()["id"]
    uploaded = liaison.post(
        f"/submissions/{report}/attachments",
        files={"file": evidence.jpeg("宣传咨询日.jpg")},
        headers={"Idempotency-Key": "week1-photo-1"},
    )
    first = liaison.post(
        f"/submissions/{report}/submit", headers={"Idempotency-Key": "week1-submit-1"}
    )
    returned = office.post(f"/submissions/{report}/return", {"reason": "请补充活动现场照片说明"})
    seen_by_liaison = liaison.get(f"/submissions/{report}").json()
    liaison.put(
        f"/submissions/{report}/draft",
        {
            "text": "在城关镇广场开展安全生产宣传咨询日活动，照片为咨询台现场。",
            "activities": seen_by_liaison["draft"]["activities"],
            "values": {str(boards.pk): 12, str(leaflets.pk): 900},
        },
    )
    second = liaison.post(
        f"/submissions/{report}/submit", headers={"Idempotency-Key": "week1-submit-2"}
    )
    accepted = office.post(f"/submissions/{report}/accept")
    versions = office.get(f"/submissions/{report}/versions").json()["items"]

    assert created.status_code == 201
    assert (uploaded.status_code, uploaded.json()["kind"]) == (201, "photo")
    assert (first.status_code, first.json()["version"]["number"]) == (200, 1)
    assert returned.json()["state"] == "returned"
    assert seen_by_liaison["reviews"][0]["reason"] == "请补充活动现场照片说明"
    assert (second.status_code, second.json()["submission"]["state"]) == (200, "resubmitted")
    assert (accepted.status_code, accepted.json()["state"]) == (200, "accepted")
    assert [v["number"] for v in versions] == [1, 2]
    assert [v["text"] for v in versions] == [
        "在城关镇广场开展安全生产宣传咨询日活动。",
        "在城关镇广场开展安全生产宣传咨询日活动，照片为咨询台现场。",
    ]
    assert [[(x["indicator"]["name"], x["value"]) for x in v["values"]] for v in versions] == [
        [(boards.name, "12.00"), (leaflets.name, "850.00")],
        [(boards.name, "12.00"), (leaflets.name, "900.00")],
    ]
    assert [a["original_name"] for a in versions[1]["attachments"]] == ["宣传咨询日.jpg"]
    assert versions[0]["activities"][0]["people_reached"] == 320
    assert Submission.objects.get(pk=report).versions.count() == 2


def test_the_office_downloads_the_photo_the_liaison_uploaded(county, api_as):
    week1 = factories.weekly_period(county.campaign, 1)
    report = factories.report(county.town_liaison, county.participant, week1)
    photo = evidence.jpeg()
    content = photo.read()
    photo.seek(0)
    uploaded = api_as(county.town_liaison).post(
        f"/submissions/{report.pk}/attachments", files={"file": photo}
    )

    response = api_as(county.office_admin).get(uploaded.json()["url"])
    body = b"".join(response.streaming_content)
    close_response(response)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert body == content


def test_the_due_list_shows_the_week_and_the_report_state(county, api_as, time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    time_machine.move_to(datetime(2026, 6, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    week1 = factories.weekly_period(county.campaign, 1)
    report = factories.report(county.town_liaison, county.participant, week1)

    due = api_as(county.town_liaison).get("/me/due").json()

    mine = [row for row in due if row["period"]["id"] == week1.pk]
    assert [(r["participant"]["organization"]["name"], r["state"], r["overdue"]) for r in mine] == [
        ("城关镇", "draft", False)
    ]
    assert mine[0]["submission_id"] == report.pk
    assert api_as(county.other_liaison).get("/me/due").json()[0]["submission_id"] is None


def test_an_ad_hoc_item_has_no_period(county, api_as):
    adhoc = county.campaign.requirements.get(kind=RequirementKind.ADHOC)
    liaison = api_as(county.town_liaison)

    created = liaison.post(
        "/submissions",
        {
            "participant_id": county.participant.pk,
            "requirement_id": adhoc.pk,
            "text": "镇里开展了应急演练",
            "important": True,
        },
    )
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    without_period = liaison.post(
        "/submissions",
        {"participant_id": county.participant.pk, "requirement_id": weekly.pk, "text": "x"},
    )

    assert (created.status_code, created.json()["period"], created.json()["important"]) == (
        201,
        None,
        True,
    )
    assert without_period.status_code == 400
    assert list(without_period.json()["fields"]) == ["period_id"]


def test_saving_the_draft_of_a_period_again_updates_it(county, api_as):
    week1 = factories.weekly_period(county.campaign, 1)
    liaison = api_as(county.town_liaison)
    body = {"participant_id": county.participant.pk, "period_id": week1.pk, "text": "初稿"}

    first = liaison.post("/submissions", body)
    again = liaison.post("/submissions", body | {"text": "第二稿"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Submission.objects.get().draft["text"] == "第二稿"


def test_a_liaison_registers_for_the_unit(county, api_as):
    response = api_as(county.town_liaison).post(
        f"/campaigns/{county.campaign.pk}/participants/{county.participant.pk}/liaison",
        {"name": "张三", "title": "安全员", "mobile": "13800000001"},
    )

    assert response.status_code == 200
    assert (response.json()["liaison_name"], response.json()["registered_at"] is not None) == (
        "张三",
        True,
    )


def test_the_board_and_the_statistics_table_as_json(county, weekly, api_as):
    _requirement, boards, _leaflets = weekly
    week1 = factories.weekly_period(county.campaign, 1)
    report = factories.report(
        county.town_liaison, county.participant, week1, values={str(boards.pk): "12"}
    )
    from anxuan.reports import services

    services.submit_report(actor=county.town_liaison, submission=report)
    services.accept_submission(actor=county.office_admin, submission=report)
    office = api_as(county.office_admin)

    board = office.get(f"/campaigns/{county.campaign.pk}/board").json()
    table = office.get(f"/campaigns/{county.campaign.pk}/statistics").json()

    week = [p["id"] for p in board["periods"]].index(week1.pk)
    by_unit = {r["participant"]["organization"]["name"]: r for r in board["rows"]}
    assert by_unit["城关镇"]["cells"][week]["status"] == "accepted"
    assert by_unit["宣化镇"]["cells"][week]["status"] == "missing"
    column = [i["id"] for i in table["indicators"]].index(boards.pk)
    rows = {r["participant"]["organization"]["name"]: r for r in table["rows"]}
    assert (rows["城关镇"]["values"][column], rows["城关镇"]["reported"]) == ("12.00", True)
    # 宣化镇 sent no figures: null and not reported, never "0".
    assert (rows["宣化镇"]["values"][column], rows["宣化镇"]["reported"]) == (None, False)
    assert table["totals"][column] == "12.00"
    assert table["not_reported"] == 2  # 宣化镇 and 县交通运输局
