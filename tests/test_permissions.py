"""Role × page authorisation matrix: every URL of the apps, for every persona.

Policy (read it from the tables below):
- anonymous: every page but login, healthz and the language switch redirects to the login;
- a role reaches the subtree of its organisation; an object outside every subtree the
  person reaches is 404 (its existence is not revealed); visible but not allowed is 403;
- office admin: organisations, people and campaigns of the county; office staff: campaigns,
  and may look at people; both review reports and may report on a unit's behalf;
- liaison: their own unit's subtree, the campaigns it takes part in, their own unit's
  liaison form and reports;
- reviewer: looks at campaigns and reviews their reports; expert: looks, nothing more;
- outsider: the office admin of another county: nothing of this county;
- API tokens: everyone makes and revokes their own; another person's token is 404;
- everyone changes their own password.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from openpyxl import Workbook

from anxuan.api import services as api_services
from anxuan.api.models import ApiToken
from anxuan.assessment import publication
from anxuan.assessment import services as assessment_services
from anxuan.assessment.models import (
    Amendment,
    AssessedScore,
    Assessor,
    Award,
    Item,
    Named,
    Objection,
    Publication,
    RankGroup,
    Rubric,
    Section,
    SelfScore,
    Visit,
)
from anxuan.assessment.sheets import COLUMNS as RUBRIC_COLUMNS
from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.models import Campaign, Indicator, Participant, Phase, Requirement
from anxuan.core.files import inspect_upload
from anxuan.core.models import AuditEntry
from anxuan.core.tasks import process_stored_file
from anxuan.exports import services as export_services
from anxuan.exports.models import ExportJob
from anxuan.integrity import services as integrity_services
from anxuan.integrity.enums import FlagKind, FlagState, Severity
from anxuan.integrity.models import (
    Explanation,
    ExplanationFile,
    FigureBound,
    Flag,
    Rules,
    SharedMaterial,
    UnitPlace,
)
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Membership, Organization, Person
from anxuan.reports import services as report_services
from anxuan.reports.enums import State
from anxuan.reports.models import Attachment, Submission
from anxuan.reports.tasks import process_attachment
from anxuan.tips import clocks as tip_clocks
from anxuan.tips import custody as tip_custody
from anxuan.tips import evidence as tip_evidence
from anxuan.tips import rewards as tip_rewards
from anxuan.tips import services as tip_services
from anxuan.tips.enums import RewardState
from anxuan.tips.models import Custodian, IdentityAccess, Reward, RewardTable, Tip, TipFile
from tests import factories
from tests.conftest import close_response
from tests.factories import PASSWORD
from tests.reports import evidence

PERSONAS = [
    "office_admin",
    "office_staff",
    "town_liaison",
    "other_liaison",
    "reviewer",
    "expert",
    "outsider",
]


def shared_indicator(c) -> int:
    return Indicator.objects.filter(owner__isnull=True).first().pk


def city_campaign(c) -> Campaign:
    """The city's Safety Month with the county taking part (made once per test)."""
    city = c.county.parent
    found = Campaign.objects.filter(owner=city).first()
    if found is None:
        office = factories.person(city, Role.OFFICE_ADMIN, "city")
        found = factories.safety_month(office, city)
        campaign_services.add_participants(
            actor=office, campaign=found, organizations=[c.county], joined_on=found.starts_on
        )
    return found


def linked_campaign(c) -> Campaign:
    """The county's campaign under the city's."""
    return Campaign.objects.filter(parent__isnull=False).first() or (
        campaign_services.create_linked_campaign(
            actor=c.office_admin, parent=city_campaign(c), owner=c.county
        )
    )


def upward_sent(c) -> bool:
    return Submission.objects.filter(
        requirement__campaign=city_campaign(c), participant__organization=c.county
    ).exists()


def office_export(c) -> int:
    """A finished statistics export of the office admin's."""
    job = export_services.start_export(
        actor=c.office_admin, campaign=c.campaign, kind="statistics", options={"basis": "accepted"}
    )
    export_services.run_job(job.pk)
    return job.pk


def week1(c):
    return factories.weekly_period(c.campaign, 1)


def submitted(c) -> Submission:
    found = Submission.objects.filter(participant=c.participant, period=week1(c)).first()
    if found is None:
        found = factories.report(c.town_liaison, c.participant, week1(c))
        report_services.submit_report(actor=c.town_liaison, submission=found)
    return found


def draft(c) -> Submission:
    return factories.report(c.town_liaison, c.participant, week1(c))


def attached(c, *, submit: bool) -> Attachment:
    """A photo with its thumbnail, on a submitted report or on a draft."""
    submission = submitted(c) if submit else draft(c)
    if submit:
        found = submission.attachments.first()
        if found:
            return found
        report_services.return_submission(actor=c.office_admin, submission=submission, reason="补")
    photo = evidence.jpeg()
    (attachment,) = report_services.attach_files(
        actor=c.town_liaison,
        submission=submission,
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )
    process_attachment.call_local(attachment.pk)
    return attachment


# Integrity: setting up the checks (views_setup) -------------------------------------------

RULES_FORM = {
    "photo_radius": "8",
    "video_frames": "3",
    "text_similarity": "0.80",
    "date_tolerance_days": "0",
    "activity_tolerance_days": "3",
    "distance_km": "30",
    "same_figures_periods": "3",
    "reach_multiple": "3",
    "shared_text": "",
}


def two_indicators(c) -> list[Indicator]:
    return list(c.campaign.indicators.order_by("pk")[:2])


def a_bound(c) -> FigureBound:
    lesser, greater = two_indicators(c)
    return integrity_services.add_bound(
        actor=c.office_admin, campaign=c.campaign, lesser=lesser, greater=greater
    )


def shared_poster(c) -> SharedMaterial:
    """The county office's poster, with its thumbnail."""
    found = SharedMaterial.objects.filter(owner=c.county).first()
    if found is None:
        photo = evidence.jpeg()
        found = integrity_services.share_material(
            actor=c.office_admin,
            owner=c.county,
            title="主题海报",
            text="",
            upload=(photo, photo.name, inspect_upload(photo, photo.name)),
        )
        process_stored_file.call_local(SharedMaterial._meta.label, found.pk)
    return found


# Integrity: the review of flags (views_flags) --------------------------------------------


def a_rubric(c) -> Rubric:
    """The campaign's rubric, made from the template (once)."""
    return Rubric.objects.filter(campaign=c.campaign).first() or assessment_services.from_template(
        c.campaign
    )


def opened(c) -> Rubric:
    """The campaign's rubric, open for scoring."""
    rubric = a_rubric(c)
    if rubric.state == "draft":
        rubric = assessment_services.open_for_scoring(actor=c.office_admin, rubric=rubric)
    return rubric


def score_form(c) -> dict:
    item = an_item(c)
    return {f"points-{item.pk}": "1", f"words-{item.pk}": "县委发文成立组委会"}


def closed_rubric(c) -> Rubric:
    rubric = opened(c)
    if rubric.state == "open":
        rubric = assessment_services.close(actor=c.office_admin, rubric=rubric)
    return rubric


def published_rubric(c) -> Rubric:
    rubric = closed_rubric(c)
    if not Publication.objects.filter(rubric=rubric).exists():
        publication.publish(
            actor=c.office_admin,
            rubric=rubric,
            objections_until=timezone.now() + timedelta(days=5),
            others_totals=False,
        )
    return rubric


def an_objection(c) -> Objection:
    published_rubric(c)
    return Objection.objects.first() or publication.object_to(
        actor=c.town_liaison, participant=c.participant, item=None, reason="周报已按时报送"
    )


def one_item_rubric() -> bytes:
    wb = Workbook()
    for row in (
        RUBRIC_COLUMNS,
        ["一、组织领导"],
        ["经费保障", "落实经费", 100, "由考核人员评分", ""],
    ):
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def an_award(c) -> Award:
    group = RankGroup.objects.filter(rubric=a_rubric(c)).first() or RankGroup.objects.create(
        rubric=a_rubric(c), name="乡镇组", kinds=["town"]
    )
    return Award.objects.filter(group=group).first() or Award.objects.create(
        group=group, title="先进单位", quota=2
    )


def named_expert(c) -> Rubric:
    """The open rubric with the county's expert named to assess every unit."""
    rubric = opened(c)
    assessment_services.name_assessor(
        actor=c.office_admin, rubric=rubric, person=c.expert, units=[]
    )
    return rubric


def a_tip(c) -> Tip:
    return (
        Tip.objects.first()
        or tip_services.file_tip(
            place=c.town,
            address="工业园区 3 号",
            target="某化工厂",
            category="major_hazard",
            description="夜间违规动火作业",
        ).tip
    )


def custodian_named(c) -> Organization:
    """The county office, its staff member named custodian of identities."""
    tip_custody.name_custodian(actor=c.office_admin, office=c.county, person=c.office_staff)
    return c.county


def sealed_tip(c) -> Tip:
    """A tip with a name and mobile, the county's custodian named."""
    custodian_named(c)
    return (
        Tip.objects.filter(identified=True).first()
        or tip_services.file_tip(
            place=c.town,
            address="工业园区 3 号",
            target="某化工厂",
            category="major_hazard",
            description="夜间违规动火作业",
            name="王强",
            mobile="13912345678",
        ).tip
    )


def a_tip_file(c) -> TipFile:
    """A photo of the tip with its thumbnail."""
    found = TipFile.objects.first()
    if found is None:
        (found,) = tip_evidence.attach(a_tip(c), [evidence.jpeg()], from_reporter=True)
        process_stored_file.call_local(TipFile._meta.label, found.pk)
    return found


def rewardable(c) -> Tip:
    """A verified tip of a reporter who gave a name (set as tips.handling leaves it)."""
    found = Tip.objects.filter(identified=True).first()
    if found is None:
        found = tip_services.file_tip(
            place=c.town,
            address="工业园区 3 号",
            target="某化工厂",
            category="major_hazard",
            description="夜间违规动火作业",
            name="王强",
            mobile="13912345678",
        ).tip
        Tip.objects.filter(pk=found.pk).update(state="closed", accepted_on=date(2026, 6, 2))
    return found


def a_reward(c, state: str) -> Reward:
    """The rewardable tip's reward, taken through its steps up to `state`."""
    tip = rewardable(c)
    reward = Reward.objects.filter(tip=tip).first() or tip_rewards.record_reward(
        actor=c.office_staff, tip=tip, fine=Decimal(50000)
    )
    if state != RewardState.PROPOSED and reward.state == RewardState.PROPOSED:
        reward = tip_rewards.issue_notice(actor=c.office_staff, reward=reward)
    if state == RewardState.CLAIMED and reward.state == RewardState.NOTIFIED:
        reward = tip_rewards.claim(tip)
    return reward


REWARD_TABLE_FORM = {
    "first_reporter_only": "on",
    "major_hazard-method": "percent_of_fine",
    "major_hazard-percent": "10",
    "major_hazard-minimum": "1000",
    "major_hazard-maximum": "100000",
    "illegal_operation-method": "none",
    "concealed_accident-method": "none",
    "other_violation-method": "fixed",
    "other_violation-fixed_amount": "500",
    "other_violation-monthly_cap": "1500",
}


def expert_named_elsewhere(c) -> Rubric:
    """The open rubric with the county's expert named to assess the other town only."""
    rubric = opened(c)
    assessment_services.name_assessor(
        actor=c.office_admin, rubric=rubric, person=c.expert, units=[c.other_participant]
    )
    return rubric


def an_assessor(c) -> Assessor:
    rubric = opened(c)
    return assessment_services.name_assessor(
        actor=c.office_admin, rubric=rubric, person=c.other_liaison, units=[]
    )


def a_visit(c) -> Visit:
    """A supervision visit to the liaison's town, with a photo."""
    opened(c)
    photo = evidence.jpeg()
    return Visit.objects.first() or assessment_services.record_visit(
        actor=c.office_admin,
        participant=c.participant,
        visited_on=date(2026, 6, 10),
        visitors="县安委办督导组",
        findings="宣传阵地齐全",
        uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
    )


def an_item(c) -> Item:
    return Item.objects.filter(section__rubric=a_rubric(c)).order_by("pk").first()


def manual_item(c) -> dict:
    return {
        "section": an_item(c).section_id,
        "order": 9,
        "title": "宣传阵地建设",
        "max_points": "2",
        "rule": "manual",
    }


def a_flag(c) -> Flag:
    """A flag on the town's submitted report, on its photo (made as the worker would)."""
    found = Flag.objects.first()
    if found is None:
        attachment = attached(c, submit=True)
        submission = attachment.submission
        found = Flag.objects.create(
            kind=FlagKind.REUSED_PHOTO,
            severity=Severity.HIGH,
            pair=f"media:{attachment.pk}:0",
            campaign=c.campaign,
            participant=submission.participant,
            submission=submission,
            version=submission.versions.get(),
            attachment=attachment,
            details={"bits": 2},
        )
    return found


def a_proof(c) -> ExplanationFile:
    """A photo the town sent with its explanation of the flag."""
    found = ExplanationFile.objects.first()
    if found is None:
        photo = evidence.jpeg()
        explanation = integrity_services.explain(
            actor=c.town_liaison,
            flag=a_flag(c),
            text="两镇联合开展的同一场活动",
            uploads=[(photo, photo.name, inspect_upload(photo, photo.name))],
        )
        found = explanation.files.get()
    return found


# url name -> (how to build its arguments from the county, expected GET status per persona in
# PERSONAS order). Anonymous callers are checked separately.
GET = {
    "dashboards:home": (lambda c: [], "200 200 200 200 200 200 200"),
    "campaigns:campaign_list": (lambda c: [], "200 200 200 200 200 200 200"),
    "campaigns:campaign_create": (lambda c: [], "200 200 403 403 403 403 200"),
    "campaigns:campaign_detail": (lambda c: [c.campaign.pk], "200 200 200 200 200 200 404"),
    "campaigns:campaign_edit": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "campaigns:campaign_copy": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "campaigns:campaign_columns": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "campaigns:campaign_calendar": (lambda c: [c.campaign.pk], "200 200 200 200 200 200 404"),
    "campaigns:phase_create": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "campaigns:phase_edit": (
        lambda c: [c.campaign.pk, c.campaign.phases.first().pk],
        "200 200 403 403 403 403 404",
    ),
    "campaigns:requirement_create": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "campaigns:requirement_edit": (
        lambda c: [c.campaign.pk, c.campaign.requirements.first().pk],
        "200 200 403 403 403 403 404",
    ),
    "campaigns:participants": (lambda c: [c.campaign.pk], "200 200 200 200 200 200 404"),
    "campaigns:liaison_register": (
        lambda c: [c.campaign.pk, c.participant.pk],
        "200 200 200 404 404 404 404",
    ),
    "campaigns:indicator_list": (lambda c: [], "200 200 403 403 403 403 200"),
    "campaigns:indicator_create": (lambda c: [], "200 200 403 403 403 403 200"),
    "campaigns:indicator_edit": (lambda c: [shared_indicator(c)], "200 200 403 403 403 403 200"),
    "orgs:org_tree": (lambda c: [], "200 200 200 200 200 200 200"),
    "orgs:org_detail": (lambda c: [c.county.pk], "200 200 404 404 200 200 404"),
    "orgs:org_create": (lambda c: [c.county.pk], "200 403 404 404 403 403 404"),
    "orgs:org_edit": (lambda c: [c.town.pk], "200 403 403 404 403 403 404"),
    "orgs:org_import": (lambda c: [c.county.pk], "200 403 404 404 403 403 404"),
    "orgs:org_export": (lambda c: [c.town.pk], "200 200 200 404 200 200 404"),
    "orgs:org_import_template": (lambda c: [], "200 403 403 403 403 403 200"),
    # An import's password sheet lives in the importing session only: from any other
    # session it is 404 even to the county's admin (tests/orgs/test_password_sheet.py).
    "orgs:import_password_sheet": (lambda c: [c.county.pk, "x1"], "404 403 404 404 403 403 404"),
    "orgs:import_password_workbook": (
        lambda c: [c.county.pk, "x1"],
        "404 403 404 404 403 403 404",
    ),
    "orgs:people_list": (lambda c: [], "200 200 403 403 403 403 200"),
    "orgs:person_create": (lambda c: [], "200 403 403 403 403 403 200"),
    "orgs:person_detail": (lambda c: [c.town_liaison.pk], "200 200 403 403 403 403 404"),
    "reports:report_new": (
        lambda c: (
            f"{reverse('reports:report_new')}?participant={c.participant.pk}&period={week1(c).pk}"
        ),
        "200 200 200 404 404 404 404",
    ),
    "reports:report_inbox": (lambda c: [], "200 200 403 403 200 403 200"),
    "tips:inbox": (lambda c: [], "200 200 403 403 403 403 200"),  # outsider: its own, none
    "tips:tip_detail": (lambda c: [a_tip(c).pk], "200 200 404 404 404 404 404"),
    # identity protection: the office's own admin names the custodian; the custodian and
    # the offices above read the access log, the office's other handlers do not
    "tips:custodian": (lambda c: [c.county.pk], "200 403 404 404 403 403 404"),
    "tips:identity_log": (lambda c: [custodian_named(c).pk], "403 200 404 404 403 403 404"),
    "tips:tip_file": (lambda c: [a_tip_file(c).pk], "200 200 404 404 404 404 404"),
    "tips:tip_file_thumb": (lambda c: [a_tip_file(c).pk], "200 200 404 404 404 404 404"),
    # rewards: the office's tables (its administrator saves them), a tip's reward
    "tips:reward_tables": (lambda c: [c.county.pk], "200 200 404 404 403 403 404"),
    "tips:reward_table_new": (lambda c: [c.county.pk], "200 403 404 404 403 403 404"),
    "tips:tip_reward": (lambda c: [a_tip(c).pk], "200 200 404 404 404 404 404"),
    # tip statistics: an office's own jurisdiction (the outsider's: its own county's)
    "tips:tip_stats": (lambda c: [], "200 200 403 403 403 403 200"),
    "tips:tip_stats_xlsx": (lambda c: [], "200 200 403 403 403 403 200"),
    "tips:enter_tip": (lambda c: [], "200 200 403 403 403 403 200"),
    "tips:rules": (lambda c: [c.county.pk], "200 403 404 404 404 404 404"),
    "reports:report_detail": (lambda c: [submitted(c).pk], "200 200 200 404 200 404 404"),
    "reports:report_edit": (lambda c: [draft(c).pk], "200 200 200 404 403 404 404"),
    "reports:reminder_deliveries": (lambda c: [c.campaign.pk], "200 200 403 403 200 403 404"),
    "rollup:completeness_board": (lambda c: [c.campaign.pk], "200 200 403 403 200 403 404"),
    "rollup:statistics_table": (lambda c: [c.campaign.pk], "200 200 403 403 200 403 404"),
    "exports:export_list": (lambda c: [], "200 200 200 200 200 200 200"),
    "rollup:report_upward": (lambda c: [linked_campaign(c).pk], "200 200 404 404 200 403 404"),
    "rollup:rollup": (lambda c: [linked_campaign(c).pk], "200 200 404 404 200 403 404"),
    "dashboards:dashboard": (lambda c: [linked_campaign(c).pk], "200 200 404 404 200 403 404"),
    "dashboards:dashboard_screen": (
        lambda c: [linked_campaign(c).pk],
        "200 200 404 404 200 403 404",
    ),
    "dashboards:dashboard_chart_xlsx": (
        lambda c: [linked_campaign(c).pk, "units"],
        "200 200 404 404 200 403 404",
    ),
    "exports:export_job": (lambda c: [office_export(c)], "200 404 404 404 404 404 404"),
    "exports:export_status": (lambda c: [office_export(c)], "200 404 404 404 404 404 404"),
    "exports:export_download": (lambda c: [office_export(c)], "200 404 404 404 404 404 404"),
    "reports:attachment_file": (
        lambda c: [attached(c, submit=True).pk],
        "200 200 200 404 200 404 404",
    ),
    "reports:attachment_thumb": (
        lambda c: [attached(c, submit=True).pk],
        "200 200 200 404 200 404 404",
    ),
    "api:api_tokens": (lambda c: [], "200 200 200 200 200 200 200"),
    "orgs:password_change": (lambda c: [], "200 200 200 200 200 200 200"),
    # integrity: setting up the checks (setuppages)
    "integrity:rules": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "integrity:unchecked": (lambda c: [c.campaign.pk], "200 200 403 403 200 403 404"),
    "integrity:materials": (lambda c: [], "200 200 403 403 403 403 200"),  # one's own office's
    "integrity:material_thumb": (
        lambda c: [shared_poster(c).pk],
        "200 200 404 404 200 200 404",  # whoever sees the county
    ),
    # integrity: the review of flags (flagpages)
    "integrity:flag_list": (lambda c: [c.campaign.pk], "200 200 403 403 200 403 404"),
    "integrity:own_flags": (lambda c: [], "200 200 200 200 200 200 200"),
    "integrity:flag_detail": (lambda c: [a_flag(c).pk], "200 200 200 404 200 404 404"),
    "integrity:flag_image": (lambda c: [a_flag(c).pk, "this"], "200 200 200 404 200 404 404"),
    "integrity:explanation_file": (
        lambda c: [a_proof(c).pk],
        "200 200 200 404 200 404 404",  # whoever sees the flag
    ),
    # assessment: the rubric and the scores (the organising office)
    "assessment:rubric": (lambda c: [c.campaign.pk], "200 200 403 403 403 403 404"),
    "assessment:item_add": (lambda c: [a_rubric(c).campaign_id], "200 200 403 403 403 403 404"),
    "assessment:item_edit": (
        lambda c: [c.campaign.pk, an_item(c).pk],
        "200 200 403 403 403 403 404",
    ),
    "assessment:scores": (lambda c: [a_rubric(c).campaign_id], "200 200 403 403 403 403 404"),
    "assessment:ranking": (lambda c: [a_rubric(c).campaign_id], "200 200 403 403 403 403 404"),
    "assessment:rubric_download": (
        lambda c: [a_rubric(c).campaign_id],
        "200 200 403 403 403 403 404",
    ),
    "assessment:result": (  # the unit and the office over it, once published
        lambda c: [published_rubric(c).campaign_id, c.participant.pk],
        "200 200 200 404 404 404 404",
    ),
    "assessment:self_score": (  # the unit's liaison, and the office over it
        lambda c: [opened(c).campaign_id, c.participant.pk],
        "200 200 200 404 404 404 404",
    ),
    "assessment:assess": (  # the organising office
        lambda c: [opened(c).campaign_id, c.participant.pk],
        "200 200 403 403 403 403 404",
    ),
    "assessment:assessing": (  # the organising office, and assessors it named
        lambda c: [opened(c).campaign_id],
        "200 200 403 403 403 403 404",
    ),
    "assessment:visits": (  # those who may assess the unit
        lambda c: [opened(c).campaign_id, c.participant.pk],
        "200 200 403 403 403 403 404",
    ),
    "assessment:visit_photo": (
        lambda c: [a_visit(c).photos.get().pk],
        "200 200 403 403 403 403 404",
    ),
}

# Pages anyone may open without logging in (core.public; tests/tips for what they do).
PUBLIC = ("tips:file_tip", "tips:follow_tip", "tips:captcha", "tips:recover", "tips:places")
# Public POSTs that act on what the session holds (a followed tip): refused without it.
PUBLIC_POST = {"tips:reporter_step": ["withdraw"]}

# Extra GET rows on other objects of the same views.
GET_MORE = {
    "the county's tip statistics, asked for by id": (
        "tips:tip_stats",
        lambda c: f"{reverse('tips:tip_stats')}?office={c.county.pk}&start=2026-06-01",
        "200 200 403 403 403 403 404",
    ),
    "the county's tip statistics as .xlsx, asked for by id": (
        "tips:tip_stats_xlsx",
        lambda c: f"{reverse('tips:tip_stats_xlsx')}?office={c.county.pk}",
        "200 200 403 403 403 403 404",
    ),
    "units to assess, the expert named": (
        "assessment:assessing",
        lambda c: [named_expert(c).campaign_id],
        "200 200 403 403 403 200 404",
    ),
    "a unit to assess, the expert named": (
        "assessment:assess",
        lambda c: [named_expert(c).campaign_id, c.participant.pk],
        "200 200 403 403 403 200 404",
    ),
    "a visit's photo, the result published": (
        "assessment:visit_photo",
        lambda c: [a_visit(c).photos.get().pk] if published_rubric(c) else [],
        "200 200 200 403 403 403 404",
    ),
    "a report of a unit the expert assesses": (
        "reports:report_detail",
        lambda c: [named_expert(c) and submitted(c).pk],
        "200 200 200 404 200 200 404",
    ),
    "its photo, for the expert assessing the unit": (
        "reports:attachment_file",
        lambda c: [named_expert(c) and attached(c, submit=True).pk],
        "200 200 200 404 200 200 404",
    ),
    "a report of a unit the expert does not assess": (
        "reports:report_detail",
        lambda c: [expert_named_elsewhere(c) and submitted(c).pk],
        "200 200 200 404 200 404 404",
    ),
    "liaison's own town": ("orgs:org_detail", lambda c: [c.town.pk], "200 200 200 404 200 200 404"),
    "enterprise below the town": (
        "orgs:org_detail",
        lambda c: [c.enterprise.pk],
        "200 200 200 404 200 200 404",
    ),
    "other town's liaison form": (
        "campaigns:liaison_register",
        lambda c: [c.campaign.pk, c.other_participant.pk],
        "200 200 404 200 404 404 404",
    ),
}


def liaisons_token(c) -> ApiToken:
    token, _raw = api_services.create_token(actor=c.town_liaison, name="手机")
    return token


def participant_gone(c) -> bool:
    return not Participant.objects.filter(pk=c.other_participant.pk).exists()


# url name -> (arguments, form data, expected status per persona, "did it happen?")
POST = {
    "tips:custodian": (
        lambda c: [c.county.pk],
        lambda c: {"person": c.office_staff.pk},
        "302 403 404 404 403 403 404",
        lambda c: Custodian.objects.filter(office=c.county, person=c.office_staff).exists(),
    ),
    "tips:identity_reveal": (  # only the custodian (office_staff), not even the office admin
        lambda c: [sealed_tip(c).pk],
        {"reason": "核实举报人身份以便发放奖励"},
        "403 200 404 404 404 404 404",
        lambda c: IdentityAccess.objects.exists(),
    ),
    "tips:reward_table_new": (
        lambda c: [c.county.pk],
        REWARD_TABLE_FORM,
        "302 403 404 404 403 403 404",
        lambda c: RewardTable.objects.filter(office=c.county).exists(),
    ),
    "tips:tip_reward": (
        lambda c: [rewardable(c).pk],
        {"fine": "50000", "penalty_decision": "高应急罚〔2026〕3号"},
        "302 302 404 404 404 404 404",
        lambda c: Reward.objects.filter(proposed=7500).exists(),
    ),
    "tips:reward_notice": (
        lambda c: [a_reward(c, RewardState.PROPOSED).tip_id],
        {},
        "302 302 404 404 404 404 404",
        lambda c: Reward.objects.filter(state=RewardState.NOTIFIED).exists(),
    ),
    "tips:reward_claimed": (  # the reporter came to the office
        lambda c: [a_reward(c, RewardState.NOTIFIED).tip_id],
        {},
        "302 302 404 404 404 404 404",
        lambda c: Reward.objects.filter(state=RewardState.CLAIMED).exists(),
    ),
    "tips:reward_paid": (
        lambda c: [a_reward(c, RewardState.CLAIMED).tip_id],
        lambda c: {"amount": "7500", "paid_on": tip_clocks.today().isoformat()},
        "302 302 404 404 404 404 404",
        lambda c: Reward.objects.filter(state=RewardState.PAID).exists(),
    ),
    "tips:tip_step": (
        lambda c: [a_tip(c).pk, "accept"],
        {"accept-sector": "industry_trade"},
        "302 302 404 404 404 404 404",
        lambda c: Tip.objects.get().state == "verifying",
    ),
    "orgs:org_archive": (
        lambda c: [c.enterprise.pk],
        {},
        "302 403 403 404 403 403 404",
        lambda c: Organization.objects.get(pk=c.enterprise.pk).archived,
    ),
    "orgs:org_import_confirm": (
        lambda c: [c.county.pk],
        {},
        "302 403 404 404 403 403 404",
        lambda c: False,  # nothing pending: the admin is sent back to the upload page
    ),
    "orgs:import_password_forget": (
        lambda c: [c.county.pk, "x1"],
        {},
        "404 403 404 404 403 403 404",
        lambda c: False,  # nothing held in a fresh session
    ),
    "orgs:person_add_membership": (
        lambda c: [c.town_liaison.pk],
        lambda c: {"organization": c.town.pk, "role": "reviewer"},
        "302 403 403 404 403 403 404",
        lambda c: Membership.objects.filter(person=c.town_liaison, role="reviewer").exists(),
    ),
    "orgs:person_remove_membership": (
        lambda c: [c.town_liaison.pk, c.town_liaison.memberships.get().pk],
        {},
        "302 403 403 404 403 403 404",
        lambda c: not Membership.objects.filter(person=c.town_liaison).exists(),
    ),
    "orgs:person_reset_password": (
        lambda c: [c.town_liaison.pk],
        {},
        "200 403 403 404 403 403 404",
        lambda c: not Person.objects.get(pk=c.town_liaison.pk).check_password(PASSWORD),
    ),
    "campaigns:campaign_archive": (
        lambda c: [c.campaign.pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: Campaign.objects.get(pk=c.campaign.pk).archived,
    ),
    "campaigns:phase_delete": (
        lambda c: [c.campaign.pk, c.campaign.phases.first().pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: Phase.objects.filter(campaign=c.campaign).count() == 2,
    ),
    "campaigns:requirement_delete": (
        lambda c: [c.campaign.pk, c.campaign.requirements.first().pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: Requirement.objects.filter(campaign=c.campaign).count() == 5,
    ),
    "reports:report_accept": (
        lambda c: [submitted(c).pk],
        {},
        "302 302 403 404 302 404 404",
        lambda c: submitted(c).state == State.ACCEPTED,
    ),
    "reports:report_return": (
        lambda c: [submitted(c).pk],
        {"reason": "请补充照片"},
        "302 302 403 404 302 404 404",
        lambda c: submitted(c).state == State.RETURNED,
    ),
    "reports:attachment_remove": (
        lambda c: [attached(c, submit=False).pk],
        {},
        "302 302 302 404 403 404 404",
        lambda c: not Attachment.objects.filter(in_draft=True).exists(),
    ),
    "reports:attachment_highlight": (
        lambda c: [attached(c, submit=True).pk],
        {"highlight": "1"},
        "302 302 403 404 302 404 404",
        lambda c: Attachment.objects.filter(highlight=True).exists(),
    ),
    "campaigns:campaign_link": (
        lambda c: [city_campaign(c).pk],
        lambda c: {"owner": c.county.pk},
        "302 302 404 404 403 403 404",
        lambda c: Campaign.objects.filter(parent__isnull=False).exists(),
    ),
    "rollup:report_upward": (
        lambda c: [linked_campaign(c).pk],
        lambda c: {"period": city_campaign(c).requirements.get(kind="statistics").periods.get().pk},
        "302 302 404 404 403 403 404",
        upward_sent,
    ),
    "exports:export_start": (
        lambda c: [c.campaign.pk],
        {"kind": "statistics"},
        "302 302 403 403 302 403 404",
        lambda c: ExportJob.objects.filter(campaign=c.campaign).exists(),
    ),
    "campaigns:participant_remove": (
        lambda c: [c.campaign.pk, c.other_participant.pk],
        {},
        "302 302 403 403 403 403 404",
        participant_gone,
    ),
    "orgs:password_change": (  # everyone changes their own password, and only that
        lambda c: [],
        {
            "old_password": PASSWORD,
            "new_password1": "Qz7-tulip-wall",
            "new_password2": "Qz7-tulip-wall",
        },
        "302 302 302 302 302 302 302",
        lambda c: AuditEntry.objects.filter(action="person.change_password").exists(),
    ),
    "api:api_tokens": (  # everyone makes their own tokens; the page shows the new one once
        lambda c: [],
        {"name": "手机"},
        "200 200 200 200 200 200 200",
        lambda c: ApiToken.objects.exists(),
    ),
    "api:api_token_revoke": (  # only the owner revokes; nobody else learns the token exists
        lambda c: [liaisons_token(c).pk],
        {},
        "404 404 302 404 404 404 404",
        lambda c: ApiToken.objects.filter(revoked_at__isnull=False).exists(),
    ),
    # integrity: setting up the checks (setuppages)
    "integrity:rules": (
        lambda c: [c.campaign.pk],
        RULES_FORM,
        "302 302 403 403 403 403 404",
        lambda c: Rules.objects.filter(campaign=c.campaign, date_tolerance_days=0).exists(),
    ),
    "integrity:bound_add": (
        lambda c: [c.campaign.pk],
        lambda c: dict(zip(("lesser", "greater"), (i.pk for i in two_indicators(c)), strict=True)),
        "302 302 403 403 403 403 404",
        lambda c: FigureBound.objects.exists(),
    ),
    "integrity:bound_remove": (
        lambda c: [c.campaign.pk, a_bound(c).pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: not FigureBound.objects.exists(),
    ),
    "integrity:unit_places": (
        lambda c: [c.campaign.pk],
        lambda c: {f"lat_{c.town.pk}": "39.37", f"lon_{c.town.pk}": "99.82"},
        "302 302 403 403 403 403 404",
        lambda c: UnitPlace.objects.exists(),
    ),
    "integrity:materials": (  # an office shares for itself: the outsider for their county
        lambda c: [],
        {"title": "主题口号", "text": "人人讲安全，个个会应急"},
        "302 302 403 403 403 403 302",
        lambda c: SharedMaterial.objects.exists(),
    ),
    "integrity:material_remove": (
        lambda c: [shared_poster(c).pk],
        {},
        "302 302 404 404 403 403 404",
        lambda c: not SharedMaterial.objects.exists(),
    ),
    # integrity: the review of flags (flagpages); the office may answer for its unit
    "integrity:flag_explain": (
        lambda c: [a_flag(c).pk],
        {"text": "两镇联合开展的同一场活动"},
        "302 302 302 404 403 404 404",
        lambda c: Explanation.objects.exists(),
    ),
    "integrity:flag_decide": (
        lambda c: [a_flag(c).pk],
        {"decision": "dismiss", "reason": "两镇联合开展的同一场活动"},
        "302 302 403 404 302 404 404",
        lambda c: Flag.objects.filter(state=FlagState.DISMISSED).exists(),
    ),
    # assessment: the rubric (the organising office)
    "assessment:rubric_create": (
        lambda c: [c.campaign.pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: Rubric.objects.exists(),
    ),
    "assessment:rubric": (
        lambda c: [a_rubric(c).campaign_id],
        {"title": "高台县考核评分表", "total_points": "100", "disagreement": "2"},
        "302 302 403 403 403 403 404",
        lambda c: Rubric.objects.filter(title="高台县考核评分表").exists(),
    ),
    "assessment:section_add": (
        lambda c: [a_rubric(c).campaign_id],
        {"title": "五、其他", "order": "5"},
        "302 302 403 403 403 403 404",
        lambda c: Section.objects.filter(title="五、其他").exists(),
    ),
    "assessment:item_add": (
        lambda c: [a_rubric(c).campaign_id],
        manual_item,
        "302 302 403 403 403 403 404",
        lambda c: Item.objects.filter(title="宣传阵地建设").exists(),
    ),
    "assessment:item_edit": (
        lambda c: [c.campaign.pk, an_item(c).pk],
        lambda c: {**manual_item(c), "order": 0},
        "302 302 403 403 403 403 404",
        lambda c: Item.objects.filter(title="宣传阵地建设").exists(),
    ),
    "assessment:item_remove": (
        lambda c: [c.campaign.pk, an_item(c).pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: Item.objects.filter(section__rubric__campaign=c.campaign).count() == 22,
    ),
    "assessment:group_add": (
        lambda c: [a_rubric(c).campaign_id],
        {"name": "部门组", "kinds": "department", "order": "1"},
        "302 302 403 403 403 403 404",
        lambda c: RankGroup.objects.filter(name="部门组").exists(),
    ),
    "assessment:award_add": (
        lambda c: [a_rubric(c).campaign_id],
        lambda c: {"group": an_award(c).group_id, "title": "优秀组织单位", "quota": "1"},
        "302 302 403 403 403 403 404",
        lambda c: Award.objects.filter(title="优秀组织单位").exists(),
    ),
    "assessment:award_confirm": (
        lambda c: [c.campaign.pk, an_award(c).pk],
        lambda c: {"unit": [c.participant.pk]},
        "302 302 403 403 403 403 404",
        lambda c: Named.objects.exists(),
    ),
    "assessment:rubric_upload": (  # the office's own table of one item
        lambda c: [a_rubric(c).campaign_id],
        lambda c: {"file": SimpleUploadedFile("评分表.xlsx", one_item_rubric())},
        "302 302 403 403 403 403 404",
        lambda c: Item.objects.filter(section__rubric__campaign=c.campaign).count() == 1,
    ),
    "assessment:rubric_publish": (
        lambda c: [closed_rubric(c).campaign_id],
        {"objections_until": "2099-07-10T18:00", "others_totals": "on"},
        "302 302 403 403 403 403 404",
        lambda c: Publication.objects.exists(),
    ),
    "assessment:result": (  # an objection
        lambda c: [published_rubric(c).campaign_id, c.participant.pk],
        {"item": "", "reason": "周报已按时报送"},
        "302 302 302 404 404 404 404",
        lambda c: Objection.objects.exists(),
    ),
    "assessment:objection_answer": (
        lambda c: [c.campaign.pk, an_objection(c).pk],
        {"answer": "经核实，第2周未报送"},
        "302 302 403 403 403 403 404",
        lambda c: Objection.objects.exclude(answer="").exists(),
    ),
    "assessment:amend": (
        lambda c: [closed_rubric(c).campaign_id, c.participant.pk, an_item(c).pk],
        {"points": "1", "reason": "更正"},
        "302 302 403 403 403 403 404",
        lambda c: Amendment.objects.exists(),
    ),
    "assessment:rubric_state": (
        lambda c: [a_rubric(c).campaign_id],
        {"to": "open"},
        "302 302 403 403 403 403 404",
        lambda c: Rubric.objects.filter(state="open").exists(),
    ),
    "assessment:self_score": (
        lambda c: [opened(c).campaign_id, c.participant.pk],
        score_form,
        "302 302 302 404 404 404 404",
        lambda c: SelfScore.objects.exists(),
    ),
    "assessment:assess": (
        lambda c: [opened(c).campaign_id, c.participant.pk],
        score_form,
        "302 302 403 403 403 403 404",
        lambda c: AssessedScore.objects.exists(),
    ),
    "assessment:visits": (
        lambda c: [opened(c).campaign_id, c.participant.pk],
        {"visited_on": "2026-06-10", "visitors": "县安委办督导组", "findings": "宣传阵地齐全"},
        "302 302 403 403 403 403 404",
        lambda c: Visit.objects.exists(),
    ),
    "assessment:assessor_add": (
        lambda c: [opened(c).campaign_id],
        lambda c: {"account": c.expert.username},
        "302 302 403 403 403 403 404",
        lambda c: Assessor.objects.filter(person=c.expert).exists(),
    ),
    "assessment:assessor_remove": (
        lambda c: [c.campaign.pk, an_assessor(c).pk],
        {},
        "302 302 403 403 403 403 404",
        lambda c: not Assessor.objects.exists(),
    ),
}


def expected(row: str) -> dict[str, int]:
    return dict(zip(PERSONAS, (int(code) for code in row.split()), strict=True))


def as_persona(county, name: str) -> Client:
    client = Client()
    client.force_login(getattr(county, name), backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    return client


def url_for(county, name: str, args) -> str:
    built = args(county)
    return built if isinstance(built, str) else reverse(name, args=built)


def check_gets(county, name: str, args, row: str) -> list[str]:
    url = url_for(county, name, args)
    wrong = []
    for persona, status in expected(row).items():
        response = as_persona(county, persona).get(url)
        got = response.status_code
        close_response(response)
        if got != status:
            wrong.append(f"{persona} GET {url}: {got}, expected {status}")
    return wrong


@pytest.mark.parametrize("name", sorted(GET))
def test_get_matrix(county, name):
    args, row = GET[name]

    assert check_gets(county, name, args, row) == []


@pytest.mark.parametrize("label", sorted(GET_MORE))
def test_get_matrix_on_other_objects(county, label):
    name, args, row = GET_MORE[label]

    assert check_gets(county, name, args, row) == []


@pytest.mark.parametrize(
    ("name", "persona"), [(name, persona) for name in sorted(POST) for persona in PERSONAS]
)
def test_post_matrix(county, name, persona):
    args, data, row, happened = POST[name]
    url = url_for(county, name, args)
    form = data(county) if callable(data) else data

    response = as_persona(county, persona).post(url, form)

    status = expected(row)[persona]
    assert response.status_code == status
    if status in (200, 302) and name != "orgs:org_import_confirm":
        assert happened(county)
    else:
        assert not happened(county)


@pytest.mark.parametrize("name", sorted({*GET, *POST}))
def test_anonymous_is_sent_to_login(county, name):
    args = (GET.get(name) or POST[name])[0]
    url = url_for(county, name, args)

    response = Client().post(url) if name in POST else Client().get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_public_pages(db):
    client = Client()

    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    for name in PUBLIC:
        assert client.get(reverse(name)).status_code == 200, name


def test_public_steps_need_what_the_session_holds(county):
    tip = a_tip(county)

    for name, args in PUBLIC_POST.items():
        assert Client().post(reverse(name, args=args)).status_code == 403, name
    assert Tip.objects.get(pk=tip.pk).state == "received"


def test_outsider_lists_show_nothing_of_this_county(county):
    client = as_persona(county, "outsider")

    assert (
        county.campaign.title not in client.get(reverse("campaigns:campaign_list")).content.decode()
    )
    tree = client.get(reverse("orgs:org_tree")).content.decode()
    assert "城关镇" not in tree
    assert "高台县" not in tree
    assert (
        county.town_liaison.full_name
        not in client.get(reverse("orgs:people_list")).content.decode()
    )


def test_liaison_sees_only_their_own_participant_rows(county):
    page = as_persona(county, "town_liaison").get(
        reverse("campaigns:participants", args=[county.campaign.pk])
    )

    table = page.content.decode().split('id="participants"')[1].split("</table>")[0]
    assert "城关镇" in table
    assert "宣化镇" not in table


def test_non_staff_cannot_enter_the_django_admin(county):
    response = as_persona(county, "office_admin").get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_every_url_is_in_the_matrix():
    names = set()
    for module in (
        "anxuan.orgs.urls",
        "anxuan.campaigns.urls",
        "anxuan.reports.urls",
        "anxuan.rollup.urls",
        "anxuan.dashboards.urls",
        "anxuan.exports.urls",
        "anxuan.api.urls",
        "anxuan.integrity.urls",
        "anxuan.assessment.urls",
        "anxuan.tips.urls",
    ):
        names |= {f"{module.split('.')[1]}:{p.name}" for p in get_resolver(module).url_patterns}

    assert names == set(GET) | set(POST) | set(PUBLIC) | set(PUBLIC_POST) | {
        "dashboards:notices_read"
    }


def test_marking_notices_read_touches_only_ones_own(county):
    from anxuan.core.models import Notice

    mine = Notice.objects.create(recipient=county.town_liaison, text="提醒")
    theirs = Notice.objects.create(recipient=county.other_liaison, text="提醒")

    response = as_persona(county, "town_liaison").post(reverse("dashboards:notices_read"))

    assert response.status_code == 302
    assert Notice.objects.get(pk=mine.pk).read_at is not None
    assert Notice.objects.get(pk=theirs.pk).read_at is None
    assert (
        Client().post(reverse("dashboards:notices_read")).status_code == 302
    )  # anonymous: to login
