"""The completeness board and the statistics table, as the office reads them."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports import services
from anxuan.rollup.board import board_periods, build_board
from anxuan.rollup.statistics import statistics_table
from tests import factories

AFTER_JUNE = datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI)


def submit(liaison, participant, period, *, day, hour, **draft):
    submission = factories.report(liaison, participant, period, **draft)
    with time_machine.travel(datetime(2026, 6, day, hour, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=liaison, submission=submission)
    return submission


@pytest.fixture
def weekly(county):
    return county.campaign.requirements.get(kind=RequirementKind.WEEKLY)


def test_board_shows_on_time_late_missing_returned_and_accepted(county, weekly):
    w1, w2, w3, _w4 = weekly.periods.all()
    submit(county.town_liaison, county.participant, w1, day=4, hour=11)
    late = submit(county.town_liaison, county.participant, w2, day=11, hour=15)
    returned = submit(county.town_liaison, county.participant, w3, day=18, hour=9)
    services.accept_submission(actor=county.office_admin, submission=late)
    services.return_submission(actor=county.office_admin, submission=returned, reason="补充")
    participants = list(county.campaign.participants.select_related("organization"))

    board = build_board(county.campaign, participants, [w1, w2, w3, _w4], now=AFTER_JUNE)

    rows = {r.participant.organization.name: r for r in board.rows}
    assert [c.status for c in rows["城关镇"].cells] == [
        "on_time",
        "accepted",
        "returned",
        "missing",
    ]
    assert [c.status for c in rows["宣化镇"].cells] == ["missing"] * 4
    town = rows["城关镇"].rate
    assert (town.expected, town.reported, town.timely) == (4, 3, 2)
    assert (board.overall.expected, board.overall.reported) == (12, 3)


def test_a_unit_that_joins_late_is_expected_only_from_its_join_date(county, weekly):
    unit = factories.org("新建企业", OrgKind.ENTERPRISE, county.town)
    liaison = factories.person(unit, Role.LIAISON)
    campaign_services.add_participants(
        actor=county.office_admin,
        campaign=county.campaign,
        organizations=[unit],
        joined_on=date(2026, 6, 15),
    )
    participant = county.campaign.participants.get(organization=unit)
    periods = list(weekly.periods.all())
    submit(liaison, participant, periods[0], day=4, hour=9)  # before joining: not counted
    submit(liaison, participant, periods[2], day=18, hour=9)

    board = build_board(county.campaign, [participant], periods, now=AFTER_JUNE)

    row = board.rows[0]
    assert [c.status for c in row.cells] == ["not_expected", "not_expected", "on_time", "missing"]
    assert (row.rate.expected, row.rate.reported) == (2, 1)
    assert all(r.reporting <= 1 for r in [row.rate, *board.period_rates] if r.expected)


def test_periods_not_yet_due_are_pending_not_missing(county, weekly):
    periods = list(weekly.periods.all())
    now = datetime(2026, 6, 12, 9, 0, tzinfo=SHANGHAI)

    board = build_board(county.campaign, [county.participant], periods, now=now)

    assert [c.status for c in board.rows[0].cells] == ["missing", "missing", "pending", "pending"]
    assert board.overall.expected == 2


def test_board_excludes_the_liaison_form_and_ad_hoc_items(county):
    kinds = {p.requirement.kind for p in board_periods(county.campaign)}

    assert RequirementKind.LIAISON_FORM not in kinds
    assert RequirementKind.ADHOC not in kinds
    assert RequirementKind.WEEKLY in kinds


def statistics_submission(county, participant, liaison, values: dict[str, str]):
    requirement = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    by_name = {i.name: i.pk for i in requirement.indicators.all()}
    submission = factories.report(
        liaison,
        participant,
        requirement.periods.get(),
        values={str(by_name[k]): v for k, v in values.items()},
    )
    services.submit_report(actor=liaison, submission=submission)
    return submission


def test_statistics_table_counts_accepted_or_all_submitted(county):
    town = statistics_submission(
        county, county.participant, county.town_liaison, {"宣传展板": "5", "发放宣传资料": "800"}
    )
    statistics_submission(county, county.other_participant, county.other_liaison, {"宣传展板": "3"})
    services.accept_submission(actor=county.office_admin, submission=town)
    accepted = statistics_table(county.campaign, basis="accepted")
    everything = statistics_table(county.campaign, basis="submitted")

    assert [i.name for i in accepted.indicators][:2] == ["宣传展板", "发放宣传资料"]
    assert accepted.totals[:2] == [5, 800]
    assert everything.totals[:2] == [8, 800]


def test_only_reviewers_mark_highlights(county, login, django_capture_on_commit_callbacks):
    from anxuan.reports.models import Attachment
    from tests.reports import evidence
    from tests.reports.test_views import new_url, report_form

    week1 = factories.weekly_period(county.campaign)
    login(county.town_liaison).post(
        new_url(county.participant, week1), {**report_form(submit="1"), "files": [evidence.jpeg()]}
    )
    photo = Attachment.objects.get()

    response = login(county.town_liaison).post(
        reverse("reports:attachment_highlight", args=[photo.pk]), {"highlight": "1"}
    )

    assert response.status_code == 403
    assert not Attachment.objects.get().highlight
