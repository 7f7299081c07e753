from io import BytesIO
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anxuan.campaigns import selectors as campaign_selectors
from anxuan.campaigns.models import Campaign, Participant, Period, Requirement
from anxuan.campaigns.selectors import campaigns_visible_to, participants_for
from anxuan.core.views import XLSX, add_service_errors
from anxuan.reports import selectors, services, upward
from anxuan.reports.board import board_periods, campaign_board
from anxuan.reports.charts import chart_xlsx
from anxuan.reports.dashboard import Dashboard, build_dashboard
from anxuan.reports.diff import text_changes, value_changes
from anxuan.reports.enums import AWAITING_REVIEW, EDITABLE, State
from anxuan.reports.forms import ActivityFormSet, ReportForm, ReturnForm
from anxuan.reports.models import Attachment, Submission
from anxuan.reports.statistics import statistics_table


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What is due for a liaison (with each report's state) and what came back from the
    office; what needs attention for an office."""
    user = request.user
    is_office = user.has_perm("orgs.office_work")
    office = (
        list(campaign_selectors.office_campaigns(user).filter(ends_on__gte=timezone.localdate()))
        if is_office
        else []
    )
    due = campaign_selectors.due_for_liaison(user)
    found = selectors.submissions_by_period(
        [row["participant"].pk for row in due], [row["period"].pk for row in due]
    )
    for row in due:
        row["submission"] = found.get((row["participant"].pk, row["period"].pk))
    return render(
        request,
        "reports/home.html",
        {
            "due": due,
            "returned": selectors.returned_for(user),
            "registrations": campaign_selectors.liaison_registrations_for(user),
            "office_campaigns": office,
            "deadlines": campaign_selectors.next_deadlines([c.pk for c in office])
            if office
            else [],
            "is_office": is_office,
            "notices": list(user.notices.filter(read_at__isnull=True)[:10]),
            "to_review": selectors.inbox_for(user, filters={}).count()
            if user.has_perm("reports.review_somewhere")
            else None,
        },
    )


def _participant_for(request: HttpRequest, pk: str | None) -> Participant:
    participant = (
        Participant.objects.select_related("campaign", "organization").filter(pk=pk).first()
        if pk and pk.isdigit()
        else None
    )
    if (
        participant is None
        or not participants_for(request.user, participant.campaign)
        .filter(pk=participant.pk)
        .exists()
    ):
        raise Http404  # never reveal another unit's participation
    if not request.user.has_perm("campaigns.register_liaison", participant):
        raise PermissionDenied
    return participant


def _report_page(
    request: HttpRequest,
    *,
    participant: Participant,
    requirement: Requirement,
    period: Period | None,
    submission: Submission | None,
) -> HttpResponse:
    """The report form for new and existing drafts: save as draft, or submit."""
    campaign = participant.campaign
    draft = submission.draft if submission else {}
    form_kwargs = {
        "types": list(campaign.activity_types.values_list("name", flat=True)),
        "domains": list(campaign.domains.values_list("name", flat=True)),
    }
    initial = {
        "text": draft.get("text", ""),
        "important": submission.important if submission else False,
    }
    initial.update({f"value_{k}": v for k, v in (draft.get("values") or {}).items()})
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, request.FILES or None, initial=initial, requirement=requirement)
    activities = ActivityFormSet(
        data, initial=draft.get("activities") or None, prefix="act", form_kwargs=form_kwargs
    )
    if data is not None and form.is_valid() and activities.is_valid():
        new_draft = {
            **form.draft_part(),
            "activities": [f.as_draft() for f in activities if f.has_changed() and f.cleaned_data],
        }
        try:
            submission = services.save_draft(
                actor=request.user,
                participant=participant,
                requirement=requirement,
                period=period,
                draft=new_draft,
                important=form.cleaned_data.get("important", False),
                submission=submission,
            )
            if form.cleaned_data["files"]:
                services.attach_files(
                    actor=request.user, submission=submission, uploads=form.cleaned_data["files"]
                )
            if "submit" in request.POST:
                services.submit_report(actor=request.user, submission=submission)
                messages.success(request, _("Submitted. The office has your report."))
                return redirect("report_detail", pk=submission.pk)
        except services.StateConflict as exc:
            messages.error(request, exc.messages[0])
            return redirect("report_detail", pk=submission.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("report_edit", pk=submission.pk)
    return render(
        request,
        "reports/form.html",
        {
            "form": form,
            "activities": activities,
            "participant": participant,
            "requirement": requirement,
            "period": period,
            "submission": submission,
            "returns": submission.reviews.filter(kind="return") if submission else [],
            "attachments": submission.attachments.filter(in_draft=True) if submission else [],
        },
        status=400 if data is not None else 200,
    )


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """Start the report of a unit for a period (or an ad-hoc item for a requirement)."""
    participant = _participant_for(request, request.GET.get("participant"))
    period = None
    if request.GET.get("period"):
        period = get_object_or_404(
            Period.objects.select_related("requirement"),
            pk=request.GET["period"] if request.GET["period"].isdigit() else 0,
            requirement__campaign=participant.campaign,
        )
        existing = selectors.find_submission(participant, period)
        if existing:
            return redirect("report_edit", pk=existing.pk)
        requirement = period.requirement
    else:
        requirement = get_object_or_404(
            Requirement,
            pk=request.GET.get("requirement") or 0,
            campaign=participant.campaign,
        )
        if requirement.periods.exists():
            raise PermissionDenied  # periodic requirements are reported per period
    return _report_page(
        request, participant=participant, requirement=requirement, period=period, submission=None
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for(request.user, pk)
    if not request.user.has_perm("reports.report", submission):
        raise PermissionDenied
    if submission.state not in EDITABLE:
        return redirect("report_detail", pk=submission.pk)
    return _report_page(
        request,
        participant=submission.participant,
        requirement=submission.requirement,
        period=submission.period,
        submission=submission,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for(request.user, pk)
    versions = list(
        submission.versions.prefetch_related("activities", "values__indicator", "attachments")
        .select_related("submitted_by")
        .order_by("number")
    )
    for before, after in pairwise(versions):
        after.text_changes = text_changes(before.text, after.text)
        after.value_changes = value_changes(
            {str(v.indicator): f"{v.value:g}" for v in before.values.all()},
            {str(v.indicator): f"{v.value:g}" for v in after.values.all()},
        )
        after.activity_counts = (len(before.activities.all()), len(after.activities.all()))
    versions.reverse()
    can_review = request.user.has_perm("reports.review", submission)
    return render(
        request,
        "reports/detail.html",
        {
            "submission": submission,
            "versions": versions,
            "reviews": submission.reviews.all(),
            "can_review": can_review and submission.state in AWAITING_REVIEW,
            "can_edit": request.user.has_perm("reports.report", submission)
            and submission.state in EDITABLE,
            "return_form": ReturnForm(),
            "may_highlight": can_review,
        },
    )


def _reviewed(request: HttpRequest, pk: int) -> Submission:
    submission = selectors.get_submission_for(request.user, pk)
    if not request.user.has_perm("reports.review", submission):
        raise PermissionDenied
    return submission


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed(request, pk)
    try:
        services.accept_submission(actor=request.user, submission=submission)
        messages.success(request, _("Accepted."))
    except services.StateConflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("report_detail", pk=submission.pk)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is returned."))
        return redirect("report_detail", pk=submission.pk)
    try:
        services.return_submission(
            actor=request.user, submission=submission, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Returned to the unit with your reason."))
    except services.StateConflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("report_detail", pk=submission.pk)


@login_required
@permission_required("reports.review_somewhere", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    """Submissions to review, filtered; accept several at once."""
    keys = ("campaign", "requirement", "period", "state", "unit", "important", "files")
    filters = {k: request.GET.get(k, "") for k in keys}
    filters = {k: v for k, v in filters.items() if v and (v.isdigit() or k in ("state",))}
    if filters.get("state") not in (None, *State.values):
        filters.pop("state")
    submissions = selectors.inbox_for(request.user, filters=filters)
    if request.method == "POST":
        chosen = submissions.filter(pk__in=[i for i in request.POST.getlist("ids") if i.isdigit()])
        done = services.accept_many(actor=request.user, submissions=list(chosen))
        messages.success(request, _("%(n)d reports accepted.") % {"n": done})
        return redirect(request.get_full_path())
    return render(
        request,
        "reports/inbox.html",
        {
            "submissions": submissions[:200],
            "filters": filters,
            "states": State.choices,
            "campaigns": campaigns_visible_to(request.user).order_by("-year", "title"),
            "requirements": Requirement.objects.filter(campaign_id=filters["campaign"])
            if filters.get("campaign")
            else [],
        },
    )


def _attachment_for(request: HttpRequest, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("submission"), pk=pk)
    selectors.get_submission_for(request.user, attachment.submission_id)  # 404 unless visible
    return attachment


@login_required
@require_GET
def attachment_file(request: HttpRequest, pk: int, thumb: bool = False) -> FileResponse:
    """The file (or its thumbnail) for whoever may see its report."""
    attachment = _attachment_for(request, pk)
    name = attachment.thumbnail if thumb else attachment.storage_name
    if not name:
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="image/jpeg" if thumb else attachment.content_type,
        as_attachment=not thumb and attachment.kind != "photo",
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_for(request, pk)
    try:
        services.remove_attachment(actor=request.user, attachment=attachment)
        messages.success(
            request,
            _("“%(name)s” was taken out of the draft.") % {"name": attachment.original_name},
        )
    except services.StateConflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("report_edit", pk=attachment.submission_id)


def _overseen(request: HttpRequest, pk: int) -> Campaign:
    campaign = campaign_selectors.get_campaign_for(request.user, pk)
    if not request.user.has_perm("reports.oversee", campaign):
        raise PermissionDenied
    return campaign


@login_required
@require_GET
def completeness_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Participants × periods: on time, late, missing, returned, accepted; with rates."""
    campaign = _overseen(request, pk)
    requirement = request.GET.get("requirement", "")
    requirement_id = int(requirement) if requirement.isdigit() else None
    board = campaign_board(
        campaign, requirement_id=requirement_id, only_missing=request.GET.get("only") == "missing"
    )
    return render(
        request,
        "reports/board.html",
        {
            "campaign": campaign,
            "board": board,
            "requirement_id": requirement_id,
            "requirements": campaign.requirements.exclude(schedule="anytime").exclude(
                kind="liaison_form"
            ),
            "only": request.GET.get("only", ""),
        },
    )


@login_required
@require_GET
def rollup_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Completeness and timeliness of every unit reporting below the campaign, a row per
    participant (a county stands for its towns), drilling down to the level below; then the
    same rows' activities and indicator totals."""
    dashboard = _dashboard(request, pk)
    rollup = dashboard.rollup
    deeper = set(
        Campaign.objects.filter(
            parent__in=[r.child.pk for r in rollup.rows if r.child], archived=False
        ).values_list("parent_id", flat=True)
    )
    return render(
        request,
        "reports/rollup.html",
        {
            "campaign": dashboard.campaign,
            "rollup": rollup,
            "deeper": deeper,
            "dashboard": dashboard,
        },
    )


def _dashboard(request: HttpRequest, pk: int) -> Dashboard:
    return build_dashboard(
        _overseen(request, pk),
        can_open=lambda child: request.user.has_perm("reports.oversee", child),
    )


@login_required
@require_GET
def dashboard_page(request: HttpRequest, pk: int, screen: bool = False) -> HttpResponse:
    """Charts of the roll-up and the figures, each with its table and .xlsx; `screen` is
    the full-screen display for the command centre (大屏), refreshing itself."""
    dashboard = _dashboard(request, pk)
    return render(
        request,
        "reports/screen.html" if screen else "reports/dashboard.html",
        {"campaign": dashboard.campaign, "dashboard": dashboard},
    )


@login_required
@require_GET
def dashboard_chart_xlsx(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One chart's numbers as .xlsx."""
    dashboard = _dashboard(request, pk)
    chart = dashboard.chart(key)
    if chart is None:
        raise Http404
    out = BytesIO()
    chart_xlsx(chart, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{dashboard.campaign.title}-{chart.title}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_GET
def statistics_page(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2 on screen and as .xlsx, from accepted or from all submitted reports."""
    campaign = _overseen(request, pk)
    basis = "submitted" if request.GET.get("basis") == "submitted" else "accepted"
    table = statistics_table(
        campaign, list(campaign_selectors.participants_of(campaign)), basis=basis
    )
    return render(
        request,
        "reports/statistics.html",
        {
            "campaign": campaign,
            "table": table,
            "basis": basis,
        },
    )


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    request.user.notices.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("home")


@login_required
@require_POST
def attachment_highlight(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_for(request, pk)
    services.set_highlight(
        actor=request.user, attachment=attachment, highlight=request.POST.get("highlight") == "1"
    )
    return redirect("report_detail", pk=attachment.submission_id)


@login_required
def upward_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's reports to the parent campaign, produced from this campaign's data: the
    draft it would send, and one button per period of the parent's requirements."""
    campaign = _overseen(request, pk)
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
            return redirect("report_upward", pk=campaign.pk)
        messages.success(request, _("Reported to “%(title)s”.") % {"title": participant.campaign})
        return redirect("report_detail", pk=version.submission_id)
    sent = selectors.submissions_by_period([participant.pk], [p.pk for p in periods])
    return render(
        request,
        "reports/upward.html",
        {
            "campaign": campaign,
            "parent": participant.campaign,
            "rows": [(p, sent.get((participant.pk, p.pk))) for p in periods],
            "preview": upward.upward_draft(campaign, periods[0])["text"] if periods else "",
        },
    )
