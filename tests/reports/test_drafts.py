"""The typed draft: the services refuse what breaks the campaign's or the requirement's
rules, with a Chinese message on the field at fault, whichever way the draft arrives; a
save-and-submit is all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from anxuan.campaigns.enums import RequirementKind
from anxuan.core.files import inspect_upload
from anxuan.reports import services
from anxuan.reports.drafts import ActivityDraft, ReportDraft
from anxuan.reports.enums import State
from anxuan.reports.models import Attachment, Submission, SubmissionVersion
from tests import factories
from tests.reports import evidence
from tests.reports.test_views import new_url, report_form

EARLIER = {"text": "初稿", "values": {}, "activities": []}  # the stored form
WRONG_TYPE = "选择一个有效的选项。 跳广场舞 不在可用的选项中。"
NOT_COLLECTED = "该报送要求不采集此指标。"
NEGATIVE = "确保该值大于或等于0。"
NEEDS_PERIOD = "该报送要求按期报送，请指定报送期次。"


def activity(**change) -> ActivityDraft:
    fields = {
        "held_on": date(2026, 6, 2),
        "activity_type": "安全宣传咨询日",
        "domain": "进社区",
        "place": "中心广场",
        "people_reached": 300,
    }
    return ActivityDraft(**(fields | change))


def statistics(county):
    requirement = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    return requirement, requirement.periods.get(), requirement.indicators.first()


def refused(county, period, draft: ReportDraft, requirement=None) -> dict[str, list[str]]:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.save_draft(
            actor=county.town_liaison,
            participant=county.participant,
            requirement=requirement or period.requirement,
            period=period,
            draft=draft,
        )
    with translation.override("zh-hans"):
        return caught.value.message_dict


def test_an_activity_type_not_of_the_campaign_is_refused(county):
    period = factories.weekly_period(county.campaign, 1)
    draft = ReportDraft(text="开展活动", activities=[activity(activity_type="跳广场舞")])

    assert refused(county, period, draft) == {"activities.0.activity_type": [WRONG_TYPE]}
    assert not Submission.objects.exists()


def test_an_indicator_of_another_requirement_is_refused(county):
    _statistics, _period, indicator = statistics(county)
    week1 = factories.weekly_period(county.campaign, 1)
    draft = ReportDraft(text="开展活动", values={indicator.pk: Decimal(3)})

    assert refused(county, week1, draft) == {f"values.{indicator.pk}": [NOT_COLLECTED]}


def test_a_negative_value_is_refused(county):
    _requirement, period, indicator = statistics(county)
    draft = ReportDraft(text="进展", values={indicator.pk: Decimal(-1)})

    assert refused(county, period, draft) == {f"values.{indicator.pk}": [NEGATIVE]}


def test_a_value_beyond_what_the_column_holds_is_refused(county):
    _requirement, period, indicator = statistics(county)
    draft = ReportDraft(text="进展", values={indicator.pk: Decimal("1.234")})

    assert refused(county, period, draft) == {f"values.{indicator.pk}": ["最多保留 2 位小数。"]}


def test_a_periodic_requirement_needs_its_period(county):
    week1 = factories.weekly_period(county.campaign, 1)

    assert refused(county, None, ReportDraft(text="x"), requirement=week1.requirement) == {
        "period": [NEEDS_PERIOD]
    }


def test_a_good_draft_is_stored_in_the_old_json_shape(county):
    _requirement, period, indicator = statistics(county)
    draft = ReportDraft(text="进展", activities=[activity()], values={indicator.pk: Decimal("12")})

    submission = services.save_draft(
        actor=county.town_liaison,
        participant=county.participant,
        requirement=period.requirement,
        period=period,
        draft=draft,
    )

    assert Submission.objects.get(pk=submission.pk).draft == {
        "text": "进展",
        "values": {str(indicator.pk): "12"},
        "activities": [
            {
                "held_on": "2026-06-02",
                "activity_type": "安全宣传咨询日",
                "domain": "进社区",
                "place": "中心广场",
                "people_reached": 300,
                "description": "",
            }
        ],
    }
    assert ReportDraft.from_stored(Submission.objects.get(pk=submission.pk).draft) == draft


def test_a_refused_submit_leaves_the_earlier_draft_as_it_was(county):
    week1 = factories.weekly_period(county.campaign, 1)
    earlier = factories.report(county.town_liaison, county.participant, week1, "初稿")
    photo = evidence.pdf()

    with pytest.raises(ValidationError) as caught:
        services.save_and_submit(
            actor=county.town_liaison,
            participant=county.participant,
            requirement=week1.requirement,
            period=week1,
            draft=ReportDraft(text="  ", activities=[activity()]),
            files=[(photo, photo.name, inspect_upload(photo, photo.name))],
            submission=earlier,
        )

    assert list(caught.value.message_dict) == ["text"]
    submission = Submission.objects.get(pk=earlier.pk)
    assert (submission.state, submission.draft) == (State.DRAFT, EARLIER)
    assert not SubmissionVersion.objects.exists()
    assert not Attachment.objects.exists()


def test_save_and_submit_makes_the_first_version(county):
    week1 = factories.weekly_period(county.campaign, 1)

    version = services.save_and_submit(
        actor=county.town_liaison,
        participant=county.participant,
        requirement=week1.requirement,
        period=week1,
        draft=ReportDraft(text="开展活动", activities=[activity()]),
    )

    assert (version.number, version.text, version.submission.state) == (
        1,
        "开展活动",
        State.SUBMITTED,
    )
    assert version.activities.get().people_reached == 300


# The same rules on the report page, shown on the field at fault.


def test_the_page_refuses_an_activity_type_not_of_the_campaign(county, login):
    period = factories.weekly_period(county.campaign)

    response = login(county.town_liaison).post(
        new_url(county.participant, period), report_form(**{"act-0-activity_type": "跳广场舞"})
    )

    assert response.status_code == 400
    assert WRONG_TYPE in response.content.decode()
    assert not Submission.objects.exists()


def test_the_page_refuses_a_negative_value(county, login):
    _requirement, period, indicator = statistics(county)

    response = login(county.town_liaison).post(
        new_url(county.participant, period), report_form(**{f"value_{indicator.pk}": "-1"})
    )

    assert response.status_code == 400
    assert NEGATIVE in response.content.decode()
    assert not Submission.objects.exists()


def test_the_page_refuses_a_periodic_requirement_without_its_period(county, login):
    """The page never offers one: asking for it is refused before any form (403)."""
    week1 = factories.weekly_period(county.campaign, 1)
    url = new_url(county.participant, week1).replace(
        f"period={week1.pk}", f"requirement={week1.requirement_id}"
    )

    response = login(county.town_liaison).post(url, report_form(save="1"))

    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_a_refused_submit_on_the_page_keeps_the_earlier_draft(county, login):
    week1 = factories.weekly_period(county.campaign, 1)
    earlier = factories.report(county.town_liaison, county.participant, week1, "初稿")
    response = login(county.town_liaison).post(
        reverse("reports:report_edit", args=[earlier.pk]), report_form(text="", submit="1")
    )

    assert response.status_code == 400
    assert "请先填写本单位开展的工作再提交。" in response.content.decode()
    assert Submission.objects.get(pk=earlier.pk).draft == EARLIER
