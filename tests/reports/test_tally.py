"""Maintained tallies stay equal to a recount from scratch through everything that changes
who reported, who is expected and by when; and two units submitting at once both count."""

from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.campaigns.models import Period
from anxuan.orgs.enums import OrgKind
from anxuan.reports import services, tally
from anxuan.reports.models import FigureTally, PeriodTally
from tests import factories
from tests.concurrency import at_once
from tests.rollup.test_rollup import week

FIELDS = ("period_id", "chain_id", "number", "units", "expected", "reported", "timely")


def snapshot() -> tuple[set, set]:
    return (
        set(PeriodTally.objects.values_list(*FIELDS)),
        set(FigureTally.objects.values_list("period_id", "metric", "value")),
    )


def assert_no_drift() -> None:
    kept = snapshot()
    tally.rebuild()
    assert snapshot() == kept


def report_with_figures(liaison, campaign, town, period, *, hour: int):
    """A week's report with one activity and a value for every indicator, sent on 4 June."""
    participant = campaign.participants.get(organization=town)
    draft = factories.report(
        liaison,
        participant,
        period,
        activities=[
            {
                "held_on": "2026-06-03",
                "activity_type": "安全宣传咨询日",
                "domain": "进企业",
                "people_reached": 120,
            }
        ],
        values={str(i.pk): "3" for i in period.requirement.indicators.all()},
    )
    with time_machine.travel(datetime(2026, 6, 4, hour, 0, tzinfo=SHANGHAI), tick=False):
        services.submit_report(actor=liaison, submission=draft)
    return draft


def test_tallies_follow_every_change_and_equal_a_recount(county, city, county_campaign):
    w1 = week(county_campaign)
    first = report_with_figures(county.town_liaison, county_campaign, county.town, w1, hour=11)
    late = report_with_figures(
        county.other_liaison, county_campaign, county.other_town, w1, hour=15
    )

    counted = PeriodTally.objects.get(period=w1)
    assert (counted.units, counted.expected, counted.reported, counted.timely) == (2, 2, 2, 1)
    assert counted.chain_id == week(city).requirement_id  # counts towards the city's week 1
    figures = dict(FigureTally.objects.filter(period=w1).values_list("metric", "value"))
    assert (figures["a"], figures["p"], figures["t:安全宣传咨询日"], figures["d:进企业"]) == (
        2,
        240,
        2,
        2,
    )
    assert not any(m.startswith("i:") for m in figures)  # indicators count once accepted
    assert_no_drift()

    services.return_submission(actor=county.office_admin, submission=late, reason="补充照片")
    assert_no_drift()  # a returned report still counts as received, its activities too
    services.accept_submission(actor=county.office_admin, submission=first)
    table = county_campaign.requirements.get(kind=RequirementKind.STATISTICS).periods.get()
    figures = report_with_figures(county.town_liaison, county_campaign, county.town, table, hour=9)
    indicators = FigureTally.objects.filter(period=table, metric__startswith="i:")
    assert not indicators.exists()
    services.accept_submission(actor=county.office_admin, submission=figures)
    assert indicators.count() == table.requirement.indicators.count() > 0
    assert {f.value for f in indicators} == {3}
    assert_no_drift()

    newcomer = factories.org("新坝镇", OrgKind.TOWN, county.county)
    campaign_services.add_participants(
        actor=county.office_admin, campaign=county_campaign, organizations=[newcomer]
    )
    assert PeriodTally.objects.get(period=w1).units == 3
    assert_no_drift()

    requirement = w1.requirement
    campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county_campaign,
        requirement=requirement,
        weekday=requirement.weekday - 1,
    )
    assert_no_drift()


def test_a_linked_campaign_moves_its_office_out_of_the_parents_own_counts(county, city):
    w1 = week(city)
    assert PeriodTally.objects.get(period=w1).units == 2  # both counties report themselves

    child = campaign_services.create_linked_campaign(
        actor=county.office_admin, parent=city, owner=county.county
    )

    assert PeriodTally.objects.get(period=w1).units == 1
    assert PeriodTally.objects.filter(campaign=child).count() == (
        Period.objects.filter(requirement__campaign=child).count()
    )
    campaign_services.archive_campaign(actor=county.office_admin, campaign=child)
    assert PeriodTally.objects.get(period=w1).units == 2
    assert_no_drift()


@pytest.mark.django_db(transaction=True)
def test_two_towns_submitting_at_once_both_count(county, city, county_campaign):
    w1 = week(county_campaign)
    drafts = [
        factories.report(liaison, county_campaign.participants.get(organization=town), w1)
        for liaison, town in (
            (county.town_liaison, county.town),
            (county.other_liaison, county.other_town),
        )
    ]
    liaisons = [county.town_liaison, county.other_liaison]

    with time_machine.travel(datetime(2026, 6, 4, 9, 0, tzinfo=SHANGHAI), tick=False):
        at_once(2, lambda i: services.submit_report(actor=liaisons[i], submission=drafts[i]))

    counted = PeriodTally.objects.get(period=w1)
    assert (counted.reported, counted.timely) == (2, 2)


def test_migrate_counts_the_tallies_of_reports_older_than_the_tallies(county, county_campaign):
    w1 = week(county_campaign)
    report_with_figures(county.town_liaison, county_campaign, county.town, w1, hour=11)
    counted = snapshot()
    # As on an install older than the tallies: reports 0006 made the tables, and empty.
    PeriodTally.objects.all().delete()
    FigureTally.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert snapshot() == counted
    assert PeriodTally.objects.get(period=w1).reported == 1
