"""The audit log says what changed (each field before and after) and who downloaded which
file, and the admin's audit log shows it in Chinese."""

from django.urls import reverse

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.enums import RequirementKind
from anxuan.core.audit import described_changes
from anxuan.core.files import inspect_upload
from anxuan.core.models import AuditEntry
from anxuan.exports import services as export_services
from anxuan.orgs import services as org_services
from anxuan.orgs.models import Person
from anxuan.reports import services as report_services
from tests import factories
from tests.api.conftest import ApiClient, token_for
from tests.conftest import close_response
from tests.reports import evidence


def _last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-id").first()


def test_a_campaign_edit_records_each_field_before_and_after(county):
    old_title = county.campaign.title

    campaign_services.update_campaign(
        actor=county.office_admin,
        campaign=county.campaign,
        title="2026年安全生产月（修订）",
        activity_types=["安全宣传咨询日"],
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=secret123",
    )

    entry = _last("campaign.update")
    changes = entry.data["changes"]
    assert changes["title"] == [old_title, "2026年安全生产月（修订）"]
    assert changes["activity_types"][1] == ["安全宣传咨询日"]
    assert "secret123" not in str(entry.data)  # the robot's token is kept as a fingerprint
    assert changes["webhook_url"][1].startswith("#")
    assert set(changes) == {"title", "activity_types", "webhook_url"}
    assert entry.actor == county.office_admin


def test_deactivating_a_person_and_changing_the_mobile_is_recorded(county):
    liaison = county.town_liaison
    old_mobile = liaison.mobile

    org_services.update_person(
        actor=county.office_admin,
        person=liaison,
        full_name=liaison.full_name,
        mobile="13912345678",
        is_active=False,
    )

    entry = _last("person.update")
    assert entry.data["changes"] == {
        "mobile": [old_mobile, "13912345678"],
        "is_active": [True, False],
    }
    assert "password" not in str(entry.data)
    assert set(described_changes(entry)) == {
        ("手机号码", old_mobile or "—", "13912345678"),
        ("有效", "是", "否"),
    }


def test_phase_requirement_and_indicator_changes_are_recorded(county):
    phase = county.campaign.phases.order_by("starts_on").first()
    old_end = phase.ends_on
    weekly = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    old_photos = weekly.min_photos
    indicator = campaign_services.save_indicator(
        actor=county.office_admin, owner=county.county, name="发放资料", unit="份"
    )

    campaign_services.save_phase(
        actor=county.office_admin, campaign=county.campaign, phase=phase, ends_on=old_end
    )
    campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county.campaign,
        requirement=weekly,
        min_photos=old_photos + 2,
    )
    campaign_services.save_indicator(
        actor=county.office_admin, owner=county.county, indicator=indicator, unit="册"
    )

    assert "changes" not in _last("phase.save").data  # saved unchanged: nothing to say
    assert _last("requirement.save").data["changes"] == {"min_photos": [old_photos, old_photos + 2]}
    assert _last("indicator.save").data["changes"] == {"unit": ["份", "册"]}
    assert ("计量单位", "份", "册") in described_changes(_last("indicator.save"))


def test_a_phase_date_change_is_recorded(county):
    phase = county.campaign.phases.order_by("starts_on").first()
    old_start, old_end = phase.starts_on, phase.ends_on

    campaign_services.save_phase(
        actor=county.office_admin, campaign=county.campaign, phase=phase, starts_on=old_end
    )

    assert _last("phase.save").data["changes"] == {
        "starts_on": [old_start.isoformat(), old_end.isoformat()]
    }


def _attachment(county):
    draft = factories.report(
        county.town_liaison, county.participant, factories.weekly_period(county.campaign)
    )
    doc = evidence.pdf()
    (attachment,) = report_services.attach_files(
        actor=county.town_liaison,
        submission=draft,
        uploads=[(doc, doc.name, inspect_upload(doc, doc.name))],
    )
    return attachment


def test_who_downloaded_which_attachment_is_recorded(county, login):
    attachment = _attachment(county)

    page = login(county.office_admin).get(reverse("reports:attachment_file", args=[attachment.pk]))
    close_response(page)
    api = ApiClient(token_for(county.town_liaison)).get(f"/attachments/{attachment.pk}/file")
    close_response(api)

    rows = AuditEntry.objects.filter(action="attachment.download").order_by("id")
    assert [(r.actor, r.summary, r.data["attachment"]) for r in rows] == [
        (county.office_admin, attachment.original_name, attachment.pk),
        (county.town_liaison, attachment.original_name, attachment.pk),
    ]


def test_who_downloaded_which_export_is_recorded(county, login):
    job = export_services.start_export(
        actor=county.office_admin,
        campaign=county.campaign,
        kind="statistics",
        options={"basis": "accepted"},
    )
    export_services.run_job(job.pk)

    page = login(county.office_admin).get(reverse("exports:export_download", args=[job.pk]))
    close_response(page)
    api = ApiClient(token_for(county.office_admin)).get(f"/exports/{job.pk}/file")
    close_response(api)

    rows = AuditEntry.objects.filter(action="export.download")
    assert [(r.actor, r.data["export"], r.target_id) for r in rows] == [
        (county.office_admin, job.pk, str(county.campaign.pk))
    ] * 2


def test_the_admins_audit_log_shows_the_changes_in_chinese(county, client):
    admin = Person.objects.create_superuser(username="root", password="x-Very-long-2026")
    old = county.campaign.title
    campaign_services.update_campaign(
        actor=county.office_admin, campaign=county.campaign, title="新标题"
    )
    client.force_login(admin, backend="anxuan.orgs.auth.UsernameOrMobileBackend")

    page = client.get(reverse("admin:core_auditentry_changelist")).content.decode()

    assert f"名称：{old} → 新标题" in page
