"""What a requirement asks to attach is enforced at submit, for the page and the API alike,
and shown to the liaison before they try (issue 11, item 1)."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import RequirementKind
from anxuan.campaigns.models import Requirement
from anxuan.core.files import inspect_upload
from anxuan.reports import services
from anxuan.reports.enums import State
from anxuan.reports.models import Submission
from tests import factories
from tests.api.conftest import api_as  # noqa: F401 (fixture)
from tests.reports import evidence
from tests.reports.test_views import report_form

JUNE_30 = datetime(2026, 6, 30, 10, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def summary(county):
    """The Safety Month's summary, set by the office to need a photo and a video."""
    requirement = county.campaign.requirements.get(kind=RequirementKind.SUMMARY)
    return campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county.campaign,
        requirement=requirement,
        min_photos=1,
        min_videos=1,
    )


def upload(file):
    return (file, file.name, inspect_upload(file, file.name))


def video():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("演练.mp4", evidence.mp4_bytes(20_000), content_type="video/mp4")


def summary_draft(county, summary):
    return factories.report(
        county.town_liaison, county.participant, summary.periods.get(), text="活动总结"
    )


@time_machine.travel(JUNE_30, tick=False)
def test_photos_only_when_a_video_is_required_is_refused_naming_the_video(county, summary):
    draft = summary_draft(county, summary)
    services.attach_files(
        actor=county.town_liaison, submission=draft, uploads=[upload(evidence.jpeg())]
    )

    with pytest.raises(ValidationError) as refused:
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert refused.value.message_dict == {"attachments": ["还缺 1 个音视频，补上后再提交。"]}
    assert Submission.objects.get(pk=draft.pk).state == State.DRAFT


@time_machine.travel(JUNE_30, tick=False)
def test_no_attachment_at_all_is_refused_naming_each_kind(county, summary):
    draft = summary_draft(county, summary)

    with pytest.raises(ValidationError) as refused:
        services.submit_report(actor=county.town_liaison, submission=draft)

    assert refused.value.message_dict == {
        "attachments": ["还缺 1 张图片、1 个音视频，补上后再提交。"]
    }
    assert draft.versions.count() == 0


@time_machine.travel(JUNE_30, tick=False)
def test_a_photo_and_a_video_meet_the_rule(county, summary):
    draft = summary_draft(county, summary)
    services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[upload(evidence.jpeg()), upload(video())],
    )

    version = services.submit_report(actor=county.town_liaison, submission=draft)

    assert (version.number, version.attachments.count()) == (1, 2)
    assert Submission.objects.get(pk=draft.pk).state == State.SUBMITTED


@time_machine.travel(JUNE_30, tick=False)
def test_the_api_refuses_the_same_submit_with_the_same_message(county, summary, api_as):  # noqa: F811
    draft = summary_draft(county, summary)
    liaison = api_as(county.town_liaison)
    liaison.post(f"/submissions/{draft.pk}/attachments", files={"file": evidence.jpeg()})

    response = liaison.post(f"/submissions/{draft.pk}/submit")

    assert response.status_code == 400
    assert response.json()["message"] == "还缺 1 个音视频，补上后再提交。"
    assert response.json()["fields"] == {"attachments": ["还缺 1 个音视频，补上后再提交。"]}
    assert Submission.objects.get(pk=draft.pk).state == State.DRAFT


@time_machine.travel(JUNE_30, tick=False)
def test_the_report_page_shows_what_is_required_and_what_is_attached(county, summary, login):
    draft = summary_draft(county, summary)
    services.attach_files(
        actor=county.town_liaison, submission=draft, uploads=[upload(evidence.jpeg())]
    )

    page = login(county.town_liaison).get(reverse("reports:report_edit", args=[draft.pk]))

    html = page.content.decode()
    assert "图片：至少 1，已附 1" in html
    assert "音视频：至少 1，已附 0" in html


def test_another_office_sets_its_own_numbers_in_the_requirement_form(county, login):
    """Two documents for a weekly report, set in the form: one is not enough."""
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    url = reverse("campaigns:requirement_edit", args=[county.campaign.pk, weekly.pk])
    form = {
        "kind": "weekly",
        "title": weekly.title,
        "schedule": "weekly",
        "weekday": "3",
        "due_time": "12:00",
        "repeat_from": "2026-06-01",
        "repeat_until": "2026-06-30",
        "min_photos": "0",
        "min_videos": "",
        "min_documents": "2",
    }
    saved = login(county.office_admin).post(url, form)
    week1 = factories.weekly_period(county.campaign, 1)
    liaison = login(county.town_liaison)

    with time_machine.travel(datetime(2026, 6, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = liaison.post(
            f"{reverse('reports:report_new')}?participant={county.participant.pk}"
            f"&period={week1.pk}",
            {**report_form(submit="1"), "files": [evidence.pdf()]},
        )

    assert saved.status_code == 302
    assert Requirement.objects.get(pk=weekly.pk).evidence_minimums == {"document": 2}
    assert response.status_code == 400
    assert "还缺 1 份文档，补上后再提交。" in response.content.decode()
    assert not Submission.objects.filter(period=week1).exists()  # all or nothing


def test_an_inherited_requirement_may_ask_for_more_attachments_not_fewer(linked):
    county_month = linked
    summary = county_month.requirements.get(kind=RequirementKind.SUMMARY)
    parent = summary.inherited_from
    campaign_services.save_requirement(
        actor=parent.campaign.created_by,
        campaign=parent.campaign,
        requirement=parent,
        min_photos=2,
    )
    office = county_month.created_by

    more = campaign_services.save_requirement(
        actor=office, campaign=county_month, requirement=summary, min_photos=3
    )
    with pytest.raises(ValidationError) as fewer:
        campaign_services.save_requirement(
            actor=office, campaign=county_month, requirement=summary, min_photos=1
        )

    assert Requirement.objects.get(pk=more.pk).min_photos == 3  # the refused edit rolled back
    assert fewer.value.message_dict == {
        "min_photos": ["上级活动要求至少 2 张图片：这里只能要求更多，不能更少。"]
    }


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_turns_each_listed_kind_into_at_least_one():
    """The old list (photo, clipping, video) becomes at least 1 photo and 1 video, through
    the historical models, on whichever database the tests run."""
    before = [("campaigns", "0007_indicator_name_and_unit")]
    after = [("campaigns", "0008_requirement_evidence_minimums")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        owner = old.get_model("orgs", "Organization").objects.create(
            name="测试县", kind="county", path="t."
        )
        campaign = old.get_model("campaigns", "Campaign").objects.create(
            owner=owner,
            kind="custom",
            title="宣传月",
            year=2026,
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 6, 30),
        )
        Old = old.get_model("campaigns", "Requirement")
        common = {"campaign": campaign, "kind": "other", "schedule": "anytime"}
        listed = Old.objects.create(
            title="见证材料", evidence=["photo", "clipping", "video"], **common
        )
        empty = Old.objects.create(title="信息", evidence=[], **common)

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        New = executor.loader.project_state(after).apps.get_model("campaigns", "Requirement")
        minimums = {
            r.title: (r.min_photos, r.min_videos, r.min_documents)
            for r in New.objects.filter(pk__in=[listed.pk, empty.pk])
        }
        assert minimums == {"见证材料": (1, 1, 0), "信息": (0, 0, 0)}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
