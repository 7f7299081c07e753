"""Reporting upward: the county's figures, rates and highlighted photos become its
versioned report to the city's campaign, produced from the data, never retyped."""

import pytest
from django.test import TestCase
from django.urls import reverse

from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from anxuan.reports.drafts import ReportDraft
from anxuan.rollup.statistics import statistics_table
from anxuan.rollup.upward import report_upward
from tests.reports.test_views import new_url, report_form


def accepted_statistics(county, campaign, organization, liaison, figures: dict[str, str]):
    requirement = campaign.requirements.get(kind=RequirementKind.STATISTICS)
    by_name = {i.name: str(i.pk) for i in requirement.indicators.all()}
    participant = campaign.participants.get(organization=organization)
    submission = services.save_draft(
        actor=liaison,
        participant=participant,
        requirement=requirement,
        period=requirement.periods.get(),
        draft=ReportDraft.from_stored(
            {"text": "统计", "values": {by_name[k]: v for k, v in figures.items()}}
        ),
    )
    services.submit_report(actor=liaison, submission=submission)
    services.accept_submission(actor=county.office_admin, submission=submission)


def city_statistics_period(city):
    return city.requirements.get(kind=RequirementKind.STATISTICS).periods.get()


def test_the_upward_report_carries_the_county_table_totals(county, city, county_campaign):
    accepted_statistics(
        county,
        county_campaign,
        county.town,
        county.town_liaison,
        {"宣传展板": "6", "培训人数": "50"},
    )
    accepted_statistics(
        county,
        county_campaign,
        county.other_town,
        county.other_liaison,
        {"宣传展板": "4", "培训人数": "30"},
    )
    table = statistics_table(county_campaign, basis="accepted")

    version = report_upward(
        actor=county.office_admin, campaign=county_campaign, period=city_statistics_period(city)
    )

    sent = {v.indicator.name: v.value for v in version.values.all()}
    assert sent == {i.name: total for i, total in zip(table.indicators, table.totals, strict=True)}
    assert (sent["宣传展板"], sent["培训人数"]) == (10, 80)
    assert version.submission.participant.organization == county.county
    assert version.submission.requirement.campaign == city
    assert "参加单位 2 个" in version.text
    assert "报送率" in version.text


def test_highlighted_photos_go_up_with_the_report(county, city, county_campaign, login):
    from tests.reports import evidence

    week1 = county_campaign.requirements.get(kind=RequirementKind.WEEKLY).periods.get(number=1)
    participant = county_campaign.participants.get(organization=county.town)
    with TestCase.captureOnCommitCallbacks(execute=True):
        login(county.town_liaison).post(
            new_url(participant, week1), {**report_form(submit="1"), "files": [evidence.jpeg()]}
        )
    photo = participant.submissions.get().attachments.get()
    services.set_highlight(actor=county.office_admin, attachment=photo, highlight=True)

    version = report_upward(
        actor=county.office_admin, campaign=county_campaign, period=city_statistics_period(city)
    )

    assert [a.sha256 for a in version.attachments.all()] == [photo.sha256]


def test_a_returned_upward_report_is_sent_again_as_version_two(county, city, county_campaign):
    period = city_statistics_period(city)
    first = report_upward(actor=county.office_admin, campaign=county_campaign, period=period)
    city_office = city.owner.memberships.get().person

    # Sent again unchanged while the city has not reviewed it (a double click): the same
    # version, not a second one and not an error.
    again = report_upward(actor=county.office_admin, campaign=county_campaign, period=period)
    assert again == first
    services.return_submission(actor=city_office, submission=first.submission, reason="补充数据")
    second = report_upward(actor=county.office_admin, campaign=county_campaign, period=period)

    assert second.submission == first.submission
    assert [v.number for v in second.submission.versions.order_by("number")] == [1, 2]


def test_only_the_county_office_reports_upward(county, city, county_campaign):
    from django.core.exceptions import PermissionDenied

    for person in (county.town_liaison, county.reviewer):
        with pytest.raises(PermissionDenied):
            report_upward(
                actor=person, campaign=county_campaign, period=city_statistics_period(city)
            )


def test_the_office_reports_upward_from_its_page(county, city, county_campaign, login):
    office = login(county.office_admin)
    page = office.get(reverse("rollup:report_upward", args=[county_campaign.pk])).content.decode()
    period = city_statistics_period(city)

    response = office.post(
        reverse("rollup:report_upward", args=[county_campaign.pk]), {"period": period.pk}
    )

    submission = period.submissions.get()
    assert "高台县：参加单位 2 个" in page
    assert response.url == reverse("reports:report_detail", args=[submission.pk])
    assert submission.state == "submitted"
    assert submission.participant.organization == county.county
