"""Self-scores and assessors' scores: within the item's points, before the deadline, all or
nothing; several assessors combined; nobody assesses their own organisation; closing
freezes the points whatever the data does next."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anxuan.assessment import services
from anxuan.assessment.enums import RubricState
from anxuan.assessment.models import AssessedScore, Item, SelfScore
from anxuan.assessment.services import Entry
from anxuan.campaigns.enums import RequirementKind
from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Membership
from tests import factories
from tests.assessment.test_sheets import period_of, send, when
from tests.reports.evidence import pdf


@pytest.fixture
def rubric(county):
    made = services.from_template(county.campaign)
    return services.open_for_scoring(actor=county.office_admin, rubric=made)


def item(rubric, title) -> Item:
    return Item.objects.select_related("section").get(section__rubric=rubric, title=title)


def test_a_rubric_that_does_not_add_up_cannot_be_opened(county):
    made = services.from_template(county.campaign)
    Item.objects.filter(section__rubric=made, title="经费保障").update(max_points=Decimal(5))

    with pytest.raises(ValidationError) as refused:
        services.open_for_scoring(actor=county.office_admin, rubric=made)

    assert refused.value.messages == ["各考核项目分值合计 102 分，与总分 100 分不一致。"]
    made.refresh_from_db()
    assert made.state == RubricState.DRAFT


def test_self_scores_within_the_points_before_the_deadline_all_or_nothing(county, rubric):
    organisation, funding = item(rubric, "成立专门活动组织机构"), item(rubric, "经费保障")
    liaison, unit = county.town_liaison, county.participant
    plan = send(
        liaison,
        unit,
        period_of(county.campaign, RequirementKind.PLAN),
        when(5, 30, 9),
        files=[pdf()],
    )

    saved = services.self_score(
        actor=liaison,
        participant=unit,
        entries=[Entry(organisation, Decimal(4), "县委发文成立组委会", (plan.submission_id,))],
    )
    assert saved == 1
    own = SelfScore.objects.get()
    assert (own.points, own.note) == (Decimal(4), "县委发文成立组委会")
    assert list(own.reports.all()) == [plan.submission]

    for bad, message in (
        (Decimal(4), "经费保障: 最多 3 分。"),
        (Decimal(-1), "经费保障: 得分不能为负数。"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.self_score(
                actor=liaison,
                participant=unit,
                entries=[Entry(organisation, Decimal(2)), Entry(funding, bad)],
            )
        assert refused.value.messages == [message]
    assert SelfScore.objects.get().points == Decimal(4)  # nothing saved half

    rubric.self_scores_until = timezone.now() - timedelta(minutes=1)
    rubric.save()
    with pytest.raises(ValidationError) as late:
        services.self_score(actor=liaison, participant=unit, entries=[Entry(funding, Decimal(3))])
    assert late.value.messages[0].startswith("自评分报送截止于")


def test_assessors_are_combined_by_mean_then_median_and_disagreement_shows(county, rubric):
    funding = item(rubric, "经费保障")
    assessors = [county.office_admin, county.office_staff] + [
        factories.person(county.county, Role.OFFICE_STAFF) for _ in range(2)
    ]

    def give(person, points):
        services.assess(
            actor=person,
            participant=county.participant,
            entries=[Entry(funding, Decimal(points), "经费文件已查")],
        )
        sheet = services.sheets(rubric, [county.participant.pk])[county.participant.pk]
        return sheet.outcomes[funding.pk].points, sheet.spread(funding.pk)

    assert give(assessors[0], "3") == (Decimal(3), Decimal(0))
    assert give(assessors[1], "2") == (Decimal("2.5"), Decimal(1))  # the mean of two
    assert give(assessors[2], "0") == (Decimal(2), Decimal(3))  # the median of three
    assert give(assessors[3], "0.5") == (Decimal("1.3"), Decimal(3))  # (0.5 + 2) / 2
    assert rubric.disagreement < Decimal(3)  # beyond the office's 2 points: shown

    with pytest.raises(ValidationError) as no_reason:
        services.assess(
            actor=assessors[0], participant=county.participant, entries=[Entry(funding, Decimal(1))]
        )
    assert no_reason.value.messages == ["经费保障: 请填写评分理由。"]


def test_nobody_assesses_their_own_organisation(county, rubric):
    staff = factories.person(county.county, Role.OFFICE_STAFF)
    department = county.campaign.participants.get(organization=county.department)
    Membership.objects.create(person=staff, organization=county.department, role=Role.LIAISON)
    entry = Entry(item(rubric, "经费保障"), Decimal(3), "经费文件已查")

    with pytest.raises(ValidationError) as refused:
        services.assess(actor=staff, participant=department, entries=[entry])

    assert refused.value.messages == ["不能为本单位评分。"]
    assert not AssessedScore.objects.exists()
    assert services.assess(actor=staff, participant=county.participant, entries=[entry]) == 1


def test_closing_freezes_the_points_whatever_the_data_does_next(county, rubric):
    plan_item = item(rubric, "按时报送方案")
    plan = period_of(county.campaign, RequirementKind.PLAN)

    def town():
        found = services.sheets(rubric, [county.participant.pk], now=when(7, 2, 9))
        return found[county.participant.pk].outcomes[plan_item.pk]

    assert town().points == Decimal(0)  # not submitted
    services.close(actor=county.office_admin, rubric=rubric, now=when(7, 2, 9))
    rubric.refresh_from_db()
    send(county.town_liaison, county.participant, plan, when(7, 3, 9), files=[pdf()])

    assert (town().points, town().why) == (Decimal(0), "未报送，不得分")
    assert rubric.state == RubricState.CLOSED
    assert AuditEntry.objects.filter(action="assessment.close").exists()
    with pytest.raises(ValidationError):
        services.self_score(
            actor=county.town_liaison,
            participant=county.participant,
            entries=[Entry(plan_item, Decimal(3))],
        )
