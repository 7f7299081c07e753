"""The statistics page says how many reports with figures wait for review, links to them,
and lets the office switch the basis, carried into the .xlsx (issue 11, item 3)."""

from django.urls import reverse

from anxuan.campaigns.enums import RequirementKind
from anxuan.reports import services
from tests.rollup.test_board import statistics_submission


def test_waiting_reports_are_counted_and_linked_to_the_review_list(county, login):
    town = statistics_submission(county, county.participant, county.town_liaison, {"宣传展板": "5"})
    statistics_submission(county, county.other_participant, county.other_liaison, {"宣传展板": "3"})
    services.accept_submission(actor=county.office_admin, submission=town)
    office = login(county.office_admin)
    requirement = county.campaign.requirements.get(kind=RequirementKind.STATISTICS)
    url = reverse("rollup:statistics_table", args=[county.campaign.pk])

    accepted = office.get(url).content.decode()
    submitted = office.get(url + "?basis=submitted").content.decode()

    review = f"/reports/inbox/?campaign={county.campaign.pk}&amp;requirement={requirement.pk}"
    assert (
        f'id="waiting">有 1 份含统计数据的报送待审核，采用后才计入本表。 '
        f'<a href="{review}" id="review-waiting">去审核</a></p>'
    ) in accepted
    assert 'id="waiting">本表所计报送中有 1 份尚待审核。' in submitted
    inbox = office.get(review.replace("&amp;", "&"))
    assert [s.participant.organization.name for s in inbox.context["submissions"]] == ["宣化镇"]


def test_the_basis_chosen_on_the_page_goes_into_the_excel_download(county, login):
    office = login(county.office_admin)
    url = reverse("rollup:statistics_table", args=[county.campaign.pk])

    page = office.get(url + "?basis=submitted").content.decode()

    assert '<input type="radio" name="basis" value="submitted" checked>' in page
    form = page[page.rindex("<form", 0, page.index('id="download-xlsx"')) :]
    assert '<input type="hidden" name="basis" value="submitted">' in form[: form.index("</form>")]
    assert "按每份已提交报送的最新版本统计（不论是否已采用）。" in page
    assert 'id="waiting"' not in office.get(url).content.decode()  # nothing waits
