"""Reports are never lost: versions are immutable, submits are judged by the server clock."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from anxuan.reports.drafts import ReportDraft
from anxuan.reports.enums import State, Timeliness
from anxuan.reports.models import ActivityRecord, IndicatorValue, Submission, SubmissionVersion
from tests import factories

ACTIVITY = {
    "held_on": "2026-06-02",
    "activity_type": "安全宣传咨询日",
    "domain": "进社区",
    "place": "城关镇中心广场",
    "people_reached": 300,
    "description": "设立展板 5 块",
}


def at(day: int, hour: int, minute: int = 0):
    return time_machine.travel(datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def week1(county):
    return factories.weekly_period(county.campaign, 1)


def test_submit_freezes_the_draft_into_version_one(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1, activities=[ACTIVITY])

    with at(4, 11, 59):
        version = services.submit_report(actor=county.town_liaison, submission=draft)

    submission = Submission.objects.get(pk=draft.pk)
    assert (version.number, version.text) == (1, "开展安全宣传咨询活动")
    assert submission.state == State.SUBMITTED
    assert submission.timeliness == Timeliness.ON_TIME
    activity = ActivityRecord.objects.get(version=version)
    assert (activity.activity_type, activity.people_reached) == ("安全宣传咨询日", 300)


def test_a_minute_after_noon_thursday_is_late(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1)

    with at(4, 12, 1):
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert Submission.objects.get(pk=draft.pk).timeliness == Timeliness.LATE


def test_a_double_submit_makes_one_version(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1)

    first = services.submit_report(actor=county.town_liaison, submission=draft)
    again = services.submit_report(actor=county.town_liaison, submission=draft)

    assert first == again
    assert SubmissionVersion.objects.filter(submission=draft).count() == 1


def test_returned_report_is_revised_as_a_new_version_and_the_old_one_stays(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1, text="第一稿")
    with at(4, 10):
        services.submit_report(actor=county.town_liaison, submission=draft)
    services.return_submission(actor=county.office_admin, submission=draft, reason="请补充照片")

    services.save_draft(
        actor=county.town_liaison,
        participant=county.participant,
        requirement=week1.requirement,
        period=week1,
        draft=ReportDraft.from_stored({"text": "第二稿，已补充"}),
    )
    with at(5, 9):
        services.submit_report(actor=county.town_liaison, submission=draft)

    submission = Submission.objects.get(pk=draft.pk)
    assert submission.state == State.RESUBMITTED
    assert list(submission.versions.values_list("number", "text")) == [
        (1, "第一稿"),
        (2, "第二稿，已补充"),
    ]
    assert submission.timeliness == Timeliness.ON_TIME  # judged at the first submit
    assert submission.reviews.get().reason == "请补充照片"


def test_accepted_report_cannot_be_changed(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1)
    services.submit_report(actor=county.town_liaison, submission=draft)
    services.accept_submission(actor=county.reviewer, submission=draft)

    with pytest.raises(services.StateConflict):
        services.save_draft(
            actor=county.town_liaison,
            participant=county.participant,
            requirement=week1.requirement,
            period=week1,
            draft=ReportDraft.from_stored({"text": "改写"}),
        )
    with pytest.raises(services.StateConflict):
        services.return_submission(actor=county.office_admin, submission=draft, reason="迟了")
    assert Submission.objects.get(pk=draft.pk).state == State.ACCEPTED


def test_an_empty_report_is_refused_and_nothing_is_written(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1, text="  ")

    with pytest.raises(ValidationError):
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert Submission.objects.get(pk=draft.pk).state == State.DRAFT
    assert not SubmissionVersion.objects.exists()


def test_a_failure_in_the_middle_of_a_submit_leaves_no_half_version(county, week1):
    """The version row is written before its activities; a bad activity (as a request
    killed mid-way would) rolls the whole submit back."""
    draft = factories.report(
        county.town_liaison, county.participant, week1, activities=[ACTIVITY, ACTIVITY]
    )
    bad = {**ACTIVITY, "people_reached": -1}  # past the draft's checks, as stored rows may be
    Submission.objects.filter(pk=draft.pk).update(
        draft={**draft.draft, "activities": [ACTIVITY, bad]}
    )

    with pytest.raises(ValidationError):
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert not SubmissionVersion.objects.exists()
    assert not ActivityRecord.objects.exists()
    submission = Submission.objects.get(pk=draft.pk)
    assert (submission.state, submission.first_submitted_at) == (State.DRAFT, None)


def test_indicator_values_are_kept_with_the_version(county):
    statistics = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    period = statistics.periods.get()
    boards = statistics.indicators.get(name="宣传展板")
    draft = factories.report(
        county.town_liaison, county.participant, period, values={str(boards.pk): "12"}
    )

    version = services.submit_report(actor=county.town_liaison, submission=draft)

    assert IndicatorValue.objects.get(version=version, indicator=boards).value == 12


def test_another_units_liaison_cannot_report_or_review(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1)

    with pytest.raises(PermissionDenied):
        services.submit_report(actor=county.other_liaison, submission=draft)
    services.submit_report(actor=county.town_liaison, submission=draft)
    with pytest.raises(PermissionDenied):
        services.accept_submission(actor=county.town_liaison, submission=draft)


def test_returning_needs_a_reason(county, week1):
    draft = factories.report(county.town_liaison, county.participant, week1)
    services.submit_report(actor=county.town_liaison, submission=draft)

    with pytest.raises(ValidationError):
        services.return_submission(actor=county.office_admin, submission=draft, reason=" ")

    assert Submission.objects.get(pk=draft.pk).state == State.SUBMITTED


def test_text_changes_mark_what_was_added_and_removed():
    from anxuan.reports.diff import text_changes, value_changes

    assert text_changes("发放资料 500 份", "发放资料 800 份，展板 5 块") == [
        ("same", "发放资料 "),
        ("del", "5"),
        ("add", "8"),
        ("same", "00 份"),
        ("add", "，展板 5 块"),
    ]
    assert value_changes({"展板": "3"}, {"展板": "5", "资料": "100"}) == [
        ("展板", "3", "5"),
        ("资料", "—", "100"),
    ]
