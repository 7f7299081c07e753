"""Reporting upward ("上下联动"): a county office's submission to the city's campaign, made
from its own campaign's data instead of retyped: the statistics table's totals, its
reporting and timely rates, and the photos it marked for the summary. It is a report like
any other: a draft, submitted as a new immutable version, reviewed by the city."""

from contextlib import ExitStack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from anxuan.campaigns.models import Campaign, Participant, Period
from anxuan.core.files import inspect_upload
from anxuan.orgs.models import Person
from anxuan.reports import services
from anxuan.reports.drafts import ReportDraft
from anxuan.reports.models import Attachment, SubmissionVersion
from anxuan.reports.selectors import find_submission
from anxuan.reports.services import Upload
from anxuan.rollup.board import percent_text
from anxuan.rollup.figures import campaign_figures

MAX_PHOTOS = 8


def upward_participant(campaign: Campaign) -> Participant:
    """The campaign's organising office as a participant of the parent campaign."""
    found = (
        Participant.objects.filter(campaign=campaign.parent_id, organization=campaign.owner_id)
        .select_related("campaign", "organization")
        .first()
    )
    if found is None:
        raise ValidationError(_("This campaign has no parent campaign to report to."))
    return found


def upward_draft(campaign: Campaign, period: Period) -> ReportDraft:
    """The report's text and figures for the parent's `period`, from accepted reports."""
    figures = campaign_figures(campaign)
    indicators = figures.indicators
    totals = figures.indicator_totals(indicators)
    wanted = set(period.requirement.indicators.values_list("pk", flat=True))
    values = {
        indicator.pk: total
        for indicator, total in zip(indicators, totals, strict=True)
        if indicator.pk in wanted
    }
    overall = figures.overall
    listed = "；".join(
        f"{i.name}{total.normalize():f}{i.unit}"
        for i, total in zip(indicators, totals, strict=True)
    )
    text = (
        f"{campaign.owner.name}：参加单位 {figures.units} 个，应报送 {overall.expected} 份，"
        f"已报送 {overall.reported} 份，报送率 {percent_text(overall.reporting)}，"
        f"及时率 {percent_text(overall.timeliness)}。"
        f"已采用报告合计：{listed or '无'}。"
    )
    if figures.not_reported:
        names = "、".join(r.participant.organization.name for r in figures.not_reported)
        text += f"未报送统计数据的单位 {len(figures.not_reported)} 个：{names}。"
    return ReportDraft(text=text, values=values)


@transaction.atomic
def report_upward(*, actor: Person, campaign: Campaign, period: Period) -> SubmissionVersion:
    """Submit the campaign's figures, rates and highlighted photos as the office's report for
    a period of the parent campaign. Side effects: the draft, attachments, the submitted
    version and their audit rows (through the report services)."""
    if not actor.has_perm("campaigns.oversee", campaign):
        raise PermissionDenied
    participant = upward_participant(campaign)
    if period.requirement.campaign_id != participant.campaign_id:
        raise ValidationError(_("That period is not one of the parent campaign's."))
    earlier = find_submission(participant, period)
    have = (
        set(earlier.attachments.filter(in_draft=True).values_list("sha256", flat=True))
        if earlier
        else set()
    )
    photos = (
        Attachment.objects.filter(submission__requirement__campaign=campaign, highlight=True)
        .exclude(sha256__in=have)
        .order_by("taken_at", "id")[:MAX_PHOTOS]
    )
    with ExitStack() as opened:
        files: list[Upload] = []
        for photo in photos:
            stored = opened.enter_context(default_storage.open(photo.storage_name, "rb"))
            name = photo.original_name
            files.append((stored, name, inspect_upload(stored, name)))
        return services.save_and_submit(
            actor=actor,
            participant=participant,
            requirement=period.requirement,
            period=period,
            draft=upward_draft(campaign, period),
            files=files,
            submission=earlier,
        )
