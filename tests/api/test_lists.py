"""Lists: scoped to the caller like the pages' lists, paged by cursor, and a fixed number of
queries whatever their length."""

import pytest

from anxuan.campaigns import services as campaign_services
from anxuan.orgs.enums import OrgKind, Role
from anxuan.reports import services
from anxuan.reports.drafts import ReportDraft
from tests import factories
from tests.reports import evidence

# The rate-limit count in the database's cache table, inside the test's transaction: `add`
# (a savepoint around one upsert) and `incr` (a savepoint around a read and a write).
RATE_COUNT = 7


def names(page: dict, key: str = "name") -> list:
    return [item[key] for item in page["items"]]


def test_pages_follow_the_cursor_to_the_end(county, api_as):
    office = api_as(county.office_admin)
    everything = office.get("/orgs", limit=200).json()

    seen, cursor, pages = [], None, 0
    while True:
        page = office.get("/orgs", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += names(page)
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break

    assert (
        seen
        == names(everything)
        == ["高台县", "城关镇", "高台县鑫源化工有限公司", "宣化镇", "县交通运输局"]
    )
    assert pages == 3


def test_a_new_report_does_not_shift_the_next_page(county, api_as):
    office = api_as(county.office_admin)
    for number in (1, 2):
        services.submit_report(
            actor=county.town_liaison,
            submission=factories.report(
                county.town_liaison,
                county.participant,
                factories.weekly_period(county.campaign, number),
            ),
        )
    first = office.get("/submissions", limit=1).json()
    factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign, 3)
    )

    second = office.get("/submissions", limit=1, cursor=first["next"]).json()

    assert [s["period"]["label"] for s in first["items"] + second["items"]] == ["第2周", "第1周"]


def test_lists_show_only_what_the_caller_may_see(county, api_as):
    for liaison, participant in (
        (county.town_liaison, county.participant),
        (county.other_liaison, county.other_participant),
    ):
        factories.report(liaison, participant, factories.weekly_period(county.campaign, 1))

    def units(person):
        page = api_as(person).get("/submissions").json()
        return sorted(s["participant"]["organization"]["name"] for s in page["items"])

    assert units(county.town_liaison) == ["城关镇"]
    assert units(county.office_admin) == ["城关镇", "宣化镇"]
    assert units(county.outsider) == []
    assert names(api_as(county.outsider).get("/campaigns").json(), "title") == []
    assert "高台县" not in names(api_as(county.outsider).get("/orgs").json())
    participants = api_as(county.town_liaison).get(f"/campaigns/{county.campaign.pk}/participants")
    assert [p["organization"]["name"] for p in participants.json()["items"]] == ["城关镇"]


def test_filters_narrow_the_reports(county, api_as):
    week1, week2 = (factories.weekly_period(county.campaign, n) for n in (1, 2))
    services.submit_report(
        actor=county.town_liaison,
        submission=factories.report(county.town_liaison, county.participant, week1),
    )
    factories.report(county.town_liaison, county.participant, week2)
    office = api_as(county.office_admin)

    submitted = office.get("/submissions", state="submitted").json()["items"]
    of_week2 = office.get("/submissions", period=week2.pk).json()["items"]

    assert [s["period"]["id"] for s in submitted] == [week1.pk]
    assert [(s["period"]["id"], s["state"]) for s in of_week2] == [(week2.pk, "draft")]


def _units_reporting(county, count: int) -> None:
    """`count` units below the county, each with a submitted week-1 report and a photo."""
    week1 = factories.weekly_period(county.campaign, 1)
    for n in range(count):
        unit = factories.org(f"测试镇{n}", OrgKind.TOWN, county.county)
        liaison = factories.person(unit, Role.LIAISON)
        campaign_services.add_participants(
            actor=county.office_admin, campaign=county.campaign, organizations=[unit]
        )
        participant = county.campaign.participants.get(organization=unit)
        report = factories.report(liaison, participant, week1)
        photo = evidence.jpeg()
        from anxuan.core.files import inspect_upload

        services.attach_files(
            actor=liaison,
            submission=report,
            uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
        )
        services.submit_report(actor=liaison, submission=report)


@pytest.mark.parametrize("count", [1, 3])
def test_the_report_list_queries_do_not_grow(county, api_as, django_assert_num_queries, count):
    _units_reporting(county, count)
    office = api_as(county.office_admin)
    office.get("/me")  # the token's last use is noted once

    # token, the rate-limit count (RATE_COUNT), memberships, the page of reports
    with django_assert_num_queries(3 + RATE_COUNT):
        page = office.get("/submissions").json()

    assert len(page["items"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_participant_list_queries_do_not_grow(county, api_as, django_assert_num_queries, count):
    _units_reporting(county, count)
    office = api_as(county.office_admin)
    office.get("/me")

    # token, RATE_COUNT, memberships, the campaign, the page of participants
    with django_assert_num_queries(4 + RATE_COUNT):
        page = office.get(f"/campaigns/{county.campaign.pk}/participants").json()

    assert len(page["items"]) == 3 + count


@pytest.mark.parametrize("count", [1, 3])
def test_the_version_list_queries_do_not_grow(
    county, weekly, api_as, django_assert_num_queries, count
):
    _requirement, boards, _leaflets = weekly
    week1 = factories.weekly_period(county.campaign, 1)
    report = factories.report(county.town_liaison, county.participant, week1)
    for n in range(count):
        services.save_draft(
            actor=county.town_liaison,
            participant=county.participant,
            requirement=week1.requirement,
            period=week1,
            draft=ReportDraft.from_stored(
                {"text": f"第{n + 1}稿", "values": {str(boards.pk): str(n)}}
            ),
            submission=report,
        )
        services.submit_report(actor=county.town_liaison, submission=report)
        if n + 1 < count:
            services.return_submission(actor=county.office_admin, submission=report, reason="改")
    office = api_as(county.office_admin)
    office.get("/me")

    # token, RATE_COUNT, memberships, the report, its versions, activities, values,
    # indicators, files
    with django_assert_num_queries(8 + RATE_COUNT):
        page = office.get(f"/submissions/{report.pk}/versions").json()

    assert [v["text"] for v in page["items"]] == [f"第{n + 1}稿" for n in range(count)]
