"""The office draws up its rubric in the pages alone, with its own numbers, and reads the
scores they give the campaign's real reports."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.assessment.models import Award, Item, Named, RankGroup, Rubric, SelfScore
from anxuan.campaigns.enums import RequirementKind
from tests.assessment.test_sheets import period_of, send, when
from tests.reports.evidence import pdf


def item_form(item: Item, **changes) -> dict:
    """The item form as the page fills it for `item`, with `changes`."""
    data = {
        "section": item.section_id,
        "order": item.order,
        "title": item.title,
        "criterion": item.criterion,
        "max_points": item.max_points,
        "rule": item.rule,
        "per_unit": item.per_unit or "",
        "cap": item.cap if item.cap is not None else "",
        "evidence": item.evidence,
        "measure": item.measure,
        **item.measure_params,
    }
    for n, lost in enumerate(item.tiers, start=1):
        data[f"tier_{n}"] = lost
    for name in ("zero_if_no_data", "zero_if_no_document", "zero_if_late"):
        if getattr(item, name):
            data[name] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def make_rubric(client, campaign) -> Rubric:
    url = reverse("assessment:rubric_create", args=[campaign.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a double click makes one rubric
    return Rubric.objects.get(campaign=campaign)


def test_the_office_makes_the_rubric_from_the_template_and_sees_it_add_up(county, login):
    client = login(county.office_admin)
    page = client.get(reverse("assessment:rubric", args=[county.campaign.pk])).content.decode()
    assert "从模板创建考核评分标准" in page

    rubric = make_rubric(client, county.campaign)

    page = client.get(reverse("assessment:rubric", args=[county.campaign.pk])).content.decode()
    assert Rubric.objects.count() == 1
    assert "各考核项目分值合计与总分 100 分一致。" in page
    assert page.count('class="card section"') == 4
    assert 'data-item="按时报送方案"' in page
    assert "报送迟报天数" in page  # what the item is computed from
    assert rubric.total_points == Decimal(100)


def test_another_offices_numbers_from_the_pages_alone_score_its_reports(county, login):
    client = login(county.office_admin)
    rubric = make_rubric(client, county.campaign)
    plan = Item.objects.get(section__rubric=rubric, title="按时报送方案")
    edit = reverse("assessment:item_edit", args=[county.campaign.pk, plan.pk])

    # 5 points, 2 lost per day late: the items then add up to 102, not 100
    response = client.post(edit, item_form(plan, max_points="5", per_unit="2"))
    assert response.status_code == 302
    page = client.get(reverse("assessment:rubric", args=[county.campaign.pk])).content.decode()
    assert "各考核项目分值合计 102 分，与总分 100 分不一致。" in page
    rubric_url = reverse("assessment:rubric", args=[county.campaign.pk])
    assert (
        client.post(
            rubric_url, {"title": "高台县考核评分表", "total_points": "102", "disagreement": "2"}
        ).status_code
        == 302
    )
    page = client.get(rubric_url).content.decode()
    assert "各考核项目分值合计与总分 102 分一致。" in page

    plan_period = period_of(county.campaign, RequirementKind.PLAN)
    send(county.town_liaison, county.participant, plan_period, when(6, 1, 18, 0, 1), files=[pdf()])
    scores = client.get(reverse("assessment:scores", args=[county.campaign.pk])).content.decode()
    town_row = scores.split('data-unit="城关镇"')[1].split("</tr>")[0]
    assert '<td title="迟报 2 天，扣 4 分">1</td>' in town_row  # 5 - 2 days × 2


def test_an_item_missing_what_its_rule_needs_is_refused_and_nothing_is_saved(county, login):
    client = login(county.office_admin)
    rubric = make_rubric(client, county.campaign)
    drills = Item.objects.get(section__rubric=rubric, title="应急演练")
    edit = reverse("assessment:item_edit", args=[county.campaign.pk, drills.pk])

    no_per_unit = client.post(edit, item_form(drills, per_unit="", max_points="8"))
    cap_above = client.post(edit, item_form(drills, cap="9"))
    negative = client.post(edit, item_form(drills, max_points="-1"))

    assert no_per_unit.status_code == cap_above.status_code == negative.status_code == 400
    assert "需填写每项/每天/每期分值" in no_per_unit.content.decode()
    assert "“最高得分”不能超过该项分值。" in cap_above.content.decode()
    drills.refresh_from_db()
    assert (drills.max_points, drills.per_unit, drills.cap) == (Decimal(6), Decimal(2), None)


def test_the_scores_page_takes_the_same_queries_for_one_unit_and_three(county, login):
    client = login(county.office_admin)
    make_rubric(client, county.campaign)
    url = reverse("assessment:scores", args=[county.campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count("data-unit=") == 3
    county.campaign.participants.exclude(pk=county.participant.pk).delete()
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()

    assert page.count("data-unit=") == 1
    assert len(one.captured_queries) == len(three.captured_queries)


def test_a_liaison_self_scores_and_an_assessor_sees_it_beside_the_data(county, login):
    from anxuan.assessment import services

    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    organisation = Item.objects.get(section__rubric=rubric, title="成立专门活动组织机构")
    funding = Item.objects.get(section__rubric=rubric, title="经费保障")
    liaison = login(county.town_liaison)
    campaign_page = liaison.get(reverse("campaigns:campaign_detail", args=[county.campaign.pk]))
    own = reverse("assessment:self_score", args=[county.campaign.pk, county.participant.pk])
    assert own in campaign_page.content.decode()  # 自评（城关镇）

    too_many = liaison.post(own, {f"points-{funding.pk}": "4", f"points-{organisation.pk}": "4"})
    not_a_number = liaison.post(own, {f"points-{funding.pk}": "三"})
    assert too_many.status_code == not_a_number.status_code == 400
    assert "经费保障: 最多 3 分。" in too_many.content.decode()
    assert "经费保障: 请填写数字。" in not_a_number.content.decode()
    assert not SelfScore.objects.exists()  # nothing saved half
    saved = liaison.post(
        own, {f"points-{organisation.pk}": "4", f"words-{organisation.pk}": "县委发文成立组委会"}
    )
    assert saved.status_code == 302

    office = login(county.office_admin)
    url = reverse("assessment:assess", args=[county.campaign.pk, county.participant.pk])
    assert (
        office.post(
            url, {f"points-{organisation.pk}": "3", f"words-{organisation.pk}": "缺少分工"}
        ).status_code
        == 302
    )
    page = office.get(url).content.decode()
    card = page.split('data-item="成立专门活动组织机构"')[1].split("</section>")[0]
    assert "县委发文成立组委会" in card
    assert "与考核得分不同" in card
    scores = office.get(reverse("assessment:scores", args=[county.campaign.pk])).content.decode()
    town = scores.split('data-unit="城关镇"')[1].split("</tr>")[0]
    assert '<td title="考核得分（1 位考核人员）">3</td>' in town


def test_the_office_ranks_towns_confirms_an_award_and_the_queries_do_not_grow(county, login):
    client = login(county.office_admin)
    make_rubric(client, county.campaign)
    url = reverse("assessment:ranking", args=[county.campaign.pk])
    groups = reverse("assessment:group_add", args=[county.campaign.pk])
    assert (
        client.post(groups, {"name": "乡镇组", "kinds": ["town"], "order": "0"}).status_code == 302
    )
    group = RankGroup.objects.get()
    awards = reverse("assessment:award_add", args=[county.campaign.pk])
    client.post(awards, {"group": group.pk, "title": "先进单位", "quota": "1"})
    award = Award.objects.get()

    page = client.get(url).content.decode()
    ranked = page.split('data-group="乡镇组"')[1].split("</table>")[0]
    assert ranked.count("data-unit=") == 2  # the two towns, not the department
    assert "名额外的下一个单位与最后一个拟推荐单位得分相同" in page  # both towns score alike
    confirm = reverse("assessment:award_confirm", args=[county.campaign.pk, award.pk])
    assert client.post(confirm, {"unit": [county.participant.pk]}).status_code == 302
    assert [n.participant for n in Named.objects.all()] == [county.participant]
    too_many = client.post(confirm, {"unit": [county.participant.pk, county.other_participant.pk]})
    assert too_many.status_code == 302
    assert Named.objects.count() == 1  # refused: the quota is 1

    with CaptureQueriesContext(connection) as three:
        client.get(url)
    county.campaign.participants.exclude(pk=county.participant.pk).delete()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).content.decode().count("data-unit=") == 1
    assert len(one.captured_queries) == len(three.captured_queries)
