"""Supervision visits (督导): the office records a visit to a unit with photos, the assessor
sees it beside the unit's items and cites it as the evidence of a score; a file that is not
a photo, a visit in the future or the same form sent twice lose nothing and save nothing
half."""

import io
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anxuan.assessment import publication, services
from anxuan.assessment.models import AssessedScore, Item, Visit, VisitPhoto
from tests.conftest import close_response
from tests.exports.test_exports import export
from tests.reports.evidence import jpeg, pdf


def visit_form(**fields):
    return {
        "visited_on": timezone.localdate().isoformat(),
        "visitors": "县安委办督导组 张明、李华",
        "findings": "宣传展板已更新，应急演练记录齐全。",
        **fields,
    }


def test_a_visit_with_photos_is_cited_as_the_evidence_of_a_score(county, login):
    rubric = services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    office = login(county.office_admin)
    url = reverse("assessment:visits", args=[county.campaign.pk, county.participant.pk])

    with TestCase.captureOnCommitCallbacks(execute=True):  # the thumbnails are made after
        sent = office.post(url, visit_form(photos=[jpeg("展板.jpg"), jpeg("演练.jpg")]))
    assert sent.status_code == 302
    visit = Visit.objects.get()
    assert visit.photos.count() == 2
    photo = visit.photos.first()
    assert photo.thumbnail  # processed by the real queue
    full = office.get(reverse("assessment:visit_photo", args=[photo.pk]))
    close_response(full)
    assert full.status_code == 200
    thumb = office.get(reverse("assessment:visit_photo", args=[photo.pk]) + "?thumb=1")
    close_response(thumb)
    assert thumb["Content-Type"] == "image/jpeg"

    assess = reverse("assessment:assess", args=[county.campaign.pk, county.participant.pk])
    page = office.get(assess).content.decode()
    assert "宣传展板已更新" in page
    funding = Item.objects.get(section__rubric=rubric, title="经费保障")
    office.post(
        assess,
        {
            f"points-{funding.pk}": "3",
            f"words-{funding.pk}": "督导时查看了经费凭证",
            f"visits-{funding.pk}": [str(visit.pk)],
        },
    )
    given = AssessedScore.objects.get()
    assert list(given.visits.all()) == [visit]
    assert f'value="{visit.pk}" checked' in office.get(assess).content.decode()
    _job, content = export(office, county.campaign, "assessment")
    rows = {
        r[0]: r for r in load_workbook(io.BytesIO(content))["城关镇"].iter_rows(values_only=True)
    }
    assert "督导（" in rows["经费保障"][4]
    assert "宣传展板已更新" in rows["经费保障"][4]

    other = login(county.other_liaison)  # another town's liaison sees none of it
    assert other.get(reverse("assessment:visit_photo", args=[photo.pk])).status_code in (403, 404)
    assert other.get(url).status_code in (403, 404)

    # The unit sees its visits, and which score cites them, once its result is published.
    liaison = login(county.town_liaison)
    photo_url = reverse("assessment:visit_photo", args=[photo.pk])
    assert liaison.get(photo_url).status_code == 403
    services.close(actor=county.office_admin, rubric=rubric)
    publication.publish(
        actor=county.office_admin,
        rubric=rubric,
        objections_until=timezone.now() + timedelta(days=5),
        others_totals=False,
    )
    result = liaison.get(
        reverse("assessment:result", args=[county.campaign.pk, county.participant.pk])
    ).content.decode()
    assert "宣传展板已更新" in result
    assert f'href="#visit-{visit.pk}"' in result  # cited by the 经费保障 score
    assert result.count('class="visit"') == 1
    shown = liaison.get(photo_url)
    close_response(shown)
    assert shown.status_code == 200
    other = login(county.other_liaison)
    assert other.get(photo_url).status_code in (403, 404)


def test_a_file_that_is_not_a_photo_or_a_visit_in_the_future_saves_nothing(county, login):
    services.open_for_scoring(
        actor=county.office_admin, rubric=services.from_template(county.campaign)
    )
    office = login(county.office_admin)
    url = reverse("assessment:visits", args=[county.campaign.pk, county.participant.pk])

    document = office.post(url, visit_form(photos=[jpeg(), pdf()]))
    assert document.status_code == 400
    assert "督导记录只能附照片。" in document.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = office.post(url, visit_form(visited_on=tomorrow))
    assert "督导日期不能晚于今天。" in future.content.decode()
    assert not Visit.objects.exists()
    assert not VisitPhoto.objects.exists()

    office.post(url, visit_form())
    office.post(url, visit_form())  # a double click
    assert Visit.objects.count() == 1
