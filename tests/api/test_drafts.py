"""The API holds a draft to the report services' rules: each fault is a 400 naming the
request's field, with the Chinese message the report page shows."""

import pytest

from anxuan.campaigns.enums import RequirementKind
from anxuan.reports.drafts import MAX_PEOPLE
from anxuan.reports.models import Submission
from tests import factories
from tests.reports.test_drafts import NEEDS_PERIOD, NEGATIVE, NOT_COLLECTED, WRONG_TYPE
from tests.reports.test_number_bounds import HUGE, PEOPLE_TOO_MANY, VALUE_TOO_LARGE, statistics


def post_draft(county, api_as, **body):
    return api_as(county.town_liaison).post(
        "/submissions", {"participant_id": county.participant.pk, "text": "开展活动", **body}
    )


def test_an_activity_type_not_of_the_campaign_is_a_400(county, api_as):
    week1 = factories.weekly_period(county.campaign, 1)

    response = post_draft(
        county,
        api_as,
        period_id=week1.pk,
        activities=[{"held_on": "2026-06-02", "activity_type": "跳广场舞"}],
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"activities.0.activity_type": [WRONG_TYPE]}
    assert not Submission.objects.exists()


def test_an_indicator_of_another_requirement_is_a_400(county, api_as):
    week1 = factories.weekly_period(county.campaign, 1)
    _period, indicator = statistics(county)

    response = post_draft(county, api_as, period_id=week1.pk, values={str(indicator.pk): 3})

    assert response.status_code == 400
    assert response.json()["fields"] == {f"values.{indicator.pk}": [NOT_COLLECTED]}


def test_a_negative_value_is_a_400(county, api_as):
    period, indicator = statistics(county)

    response = post_draft(county, api_as, period_id=period.pk, values={str(indicator.pk): -1})

    assert response.status_code == 400
    assert response.json()["fields"] == {f"values.{indicator.pk}": [NEGATIVE]}


def test_a_periodic_requirement_without_its_period_is_a_400(county, api_as):
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)

    response = post_draft(county, api_as, requirement_id=weekly.pk)

    assert response.status_code == 400
    assert response.json()["fields"] == {"period_id": [NEEDS_PERIOD]}


def test_a_replaced_draft_is_checked_too(county, api_as):
    week1 = factories.weekly_period(county.campaign, 1)
    draft = factories.report(county.town_liaison, county.participant, week1, "初稿")

    response = api_as(county.town_liaison).put(
        f"/submissions/{draft.pk}/draft",
        {"text": "改", "activities": [{"held_on": "2026-06-02", "activity_type": "跳广场舞"}]},
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["activities.0.activity_type"]
    assert Submission.objects.get(pk=draft.pk).draft == {
        "text": "初稿",
        "values": {},
        "activities": [],
    }


@pytest.mark.parametrize("people", [HUGE, MAX_PEOPLE + 1])
def test_too_many_people_is_a_400_under_the_field(county, api_as, people):
    week1 = factories.weekly_period(county.campaign, 1)
    activity = {"held_on": "2026-06-02", "activity_type": "安全宣传咨询日"}

    response = post_draft(
        county, api_as, period_id=week1.pk, activities=[{**activity, "people_reached": people}]
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"activities.0.people_reached": [PEOPLE_TOO_MANY]}
    assert not Submission.objects.exists()


@pytest.mark.parametrize("value", [str(HUGE), "1000000000.01"])
def test_an_indicator_value_past_the_bound_is_a_400_under_the_field(county, api_as, value):
    period, indicator = statistics(county)

    response = post_draft(county, api_as, period_id=period.pk, values={str(indicator.pk): value})

    assert response.status_code == 400
    assert response.json()["fields"] == {f"values.{indicator.pk}": [VALUE_TOO_LARGE]}
    assert not Submission.objects.exists()
