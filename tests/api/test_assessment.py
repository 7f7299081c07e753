"""The assessment through the API: the rubric, a unit's self-scores (all or nothing, in
Chinese when refused), an assessor's scores, and the result, which shows the assessors'
scores to the unit only once published."""

from datetime import timedelta

from django.utils import timezone

from anxuan.assessment import publication, services
from anxuan.assessment.models import Item, SelfScore
from tests.api.conftest import API


def test_self_scores_assessed_scores_and_the_result(county, api_as):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    funding = Item.objects.get(section__rubric=rubric, title="经费保障")
    base = f"{API}/campaigns/{county.campaign.pk}"
    unit = f"{base}/participants/{county.participant.pk}"
    liaison, office = api_as(county.town_liaison), api_as(county.office_admin)

    got = liaison.get(f"{base}/rubric").json()
    assert [s["title"] for s in got["sections"]] == [
        "一、组织领导",
        "二、活动开展",
        "三、宣传报道",
        "四、安全生产",
    ]
    too_many = liaison.put(
        f"{unit}/self-scores", {"entries": [{"item_id": funding.pk, "points": "4"}]}
    )
    assert too_many.status_code == 400
    assert too_many.json()["message"] == "经费保障: 最多 3 分。"
    assert not SelfScore.objects.exists()
    saved = liaison.put(
        f"{unit}/self-scores",
        {"entries": [{"item_id": funding.pk, "points": "3", "words": "镇财政安排专项经费"}]},
    )
    assert saved.json() == {"saved": 1}
    office.put(
        f"{unit}/assessed-scores",
        {"entries": [{"item_id": funding.pk, "points": "1", "words": "凭证不全"}]},
    )

    def funding_line(client):
        body = client.get(f"{unit}/result").json()
        return next(i for i in body["items"] if i["item_id"] == funding.pk), body["total"]

    line, _total = funding_line(liaison)
    assert (line["self_score"], line["points"], line["assessed"]) == ("3.0", None, [])
    services.close(actor=county.office_admin, rubric=rubric)
    rubric.refresh_from_db()
    publication.publish(
        actor=county.office_admin,
        rubric=rubric,
        objections_until=timezone.now() + timedelta(days=3),
        others_totals=False,
    )
    line, _total = funding_line(liaison)
    assert (line["points"], line["assessed"]) == ("1.0", ["1.0"])


def test_an_assessor_the_office_named_scores_through_the_api_only_their_units(county, api_as):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    services.name_assessor(
        actor=county.office_admin, rubric=rubric, person=county.expert, units=[county.participant]
    )
    funding = Item.objects.get(section__rubric=rubric, title="经费保障")
    entry = {"entries": [{"item_id": funding.pk, "points": "2", "words": "凭证不全"}]}
    base = f"{API}/campaigns/{county.campaign.pk}/participants"
    expert = api_as(county.expert)

    assert expert.put(f"{base}/{county.participant.pk}/assessed-scores", entry).json() == {
        "saved": 1
    }
    other = expert.put(f"{base}/{county.other_participant.pk}/assessed-scores", entry)
    assert other.status_code == 403
