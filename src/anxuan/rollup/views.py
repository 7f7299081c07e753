"""The office's views of its campaign's figures: the reporting board, the statistics table,
the roll-up of the levels below and the report to the parent campaign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anxuan.campaigns import selectors as campaign_selectors
from anxuan.campaigns.models import Campaign
from anxuan.core.http import AuthenticatedHttpRequest, query_id
from anxuan.reports import selectors
from anxuan.rollup import upward
from anxuan.rollup.board import board_periods, campaign_board
from anxuan.rollup.figures import Basis, campaign_figures
from anxuan.rollup.statistics import statistics_table, waiting_for_review
from anxuan.tips.selectors import tip_figures


def overseen(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    """The campaign for its office and reviewers (404 unseen, 403 seen without the right)."""
    return campaign_selectors.get_campaign_for(request.user, pk, perm="campaigns.oversee")


@login_required
@require_GET
def completeness_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Participants × periods: on time, late, missing, returned, accepted; with rates."""
    campaign = overseen(request, pk)
    requirement_id = query_id(request.GET.get("requirement"))
    board = campaign_board(
        campaign, requirement_id=requirement_id, only_missing=request.GET.get("only") == "missing"
    )
    return render(
        request,
        "rollup/board.html",
        {
            "campaign": campaign,
            "board": board,
            "requirement_id": requirement_id,
            "requirements": campaign.requirements.exclude(kind="liaison_form"),
            "only": request.GET.get("only", ""),
        },
    )


@login_required
@require_GET
def rollup_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Completeness and timeliness of every unit reporting below the campaign, a row per
    participant (a county stands for its towns), drilling down to the level below; then the
    same rows' activities and indicator totals."""
    campaign = overseen(request, pk)
    figures = campaign_figures(campaign)
    deeper = set(
        Campaign.objects.filter(
            parent__in=[r.child.pk for r in figures.rows if r.child], archived=False
        ).values_list("parent_id", flat=True)
    )
    indicators = figures.indicators_with_figures()
    return render(
        request,
        "rollup/rollup.html",
        {
            "campaign": campaign,
            "figures": figures,
            "deeper": deeper,
            "indicators": indicators,
            "table": figures.table(indicators),
            "totals": figures.indicator_totals(indicators),
        },
    )


@login_required
@require_GET
def statistics_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """附件2 on screen and as .xlsx, from accepted or from all submitted reports; how many
    reports with figures wait for review, with a link to the review list."""
    campaign = overseen(request, pk)
    basis: Basis = "submitted" if request.GET.get("basis") == "submitted" else "accepted"
    table = statistics_table(campaign, basis=basis)
    waiting = waiting_for_review(campaign)
    review = reverse("reports:report_inbox") + f"?campaign={campaign.pk}"
    if waiting.requirement:
        review += f"&requirement={waiting.requirement}"
    return render(
        request,
        "rollup/statistics.html",
        {
            "campaign": campaign,
            "table": table,
            "basis": basis,
            "waiting": waiting,
            "review_url": review if request.user.has_perm("reports.review_somewhere") else "",
            # 举报 counts are a Safety Month indicator: the tips of the campaign's office
            # jurisdiction in the campaign's period, from the tips' one figures selector.
            "tips": tip_figures(campaign.owner, start=campaign.starts_on, end=campaign.ends_on),
        },
    )


@login_required
def upward_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office's reports to the parent campaign, produced from this campaign's data: the
    draft it would send, and one button per period of the parent's requirements."""
    campaign = overseen(request, pk)
    try:
        participant = upward.upward_participant(campaign)
    except ValidationError:
        raise Http404 from None
    periods = board_periods(participant.campaign)
    if request.method == "POST":
        period = next((p for p in periods if str(p.pk) == request.POST.get("period")), None)
        if period is None:
            raise Http404
        try:
            version = upward.report_upward(actor=request.user, campaign=campaign, period=period)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("rollup:report_upward", pk=campaign.pk)
        messages.success(request, _("Reported to “%(title)s”.") % {"title": participant.campaign})
        return redirect("reports:report_detail", pk=version.submission_id)
    sent = selectors.submissions_by_period([participant.pk], [p.pk for p in periods])
    return render(
        request,
        "rollup/upward.html",
        {
            "campaign": campaign,
            "parent": participant.campaign,
            "rows": [(p, sent.get((participant.pk, p.pk))) for p in periods],
            "preview": upward.upward_draft(campaign, periods[0]).text if periods else "",
        },
    )
