import uuid
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anxuan.campaigns.models import Participant, Period, Requirement
from anxuan.campaigns.selectors import campaigns_visible_to, get_campaign_for, get_participant_for
from anxuan.core.direct import enabled as direct_uploads_enabled
from anxuan.core.http import AuthenticatedHttpRequest, query_id
from anxuan.core.views import add_service_errors
from anxuan.reports import selectors, services
from anxuan.reports.diff import text_changes, value_changes
from anxuan.reports.drafts import evidence_counts, evidence_needs
from anxuan.reports.enums import AWAITING_REVIEW, EDITABLE, DeliveryState, State
from anxuan.reports.forms import ActivityFormSet, ReportForm, ReturnForm, value_field
from anxuan.reports.models import Submission


def _participant_for(request: AuthenticatedHttpRequest, pk: str | None) -> Participant:
    participant_id = query_id(pk)
    if participant_id is None:
        raise Http404
    # 404 never reveals another unit's participation; 403 for one the person may not report for
    return get_participant_for(
        request.user, None, participant_id, perm="campaigns.register_liaison"
    )


def _show_draft_errors(exc: ValidationError, form: ReportForm, activities: ActivityFormSet) -> None:
    """A service's draft errors (keyed `values.<id>`, `activities.<n>.<field>`) on the form
    field or activity row they are about; anything else on the form as a whole."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(form, exc)
        return
    rows = activities.filled()
    for key, errors in exc.error_dict.items():
        kind, _dot, rest = key.partition(".")
        if kind == "values" and value_field(rest) in form.fields:
            form.add_error(value_field(rest), errors)
        elif kind == "activities" and rest:
            index, _dot, name = rest.partition(".")
            at = int(index) if index.isascii() and index.isdigit() else len(rows)
            row = rows[at] if at < len(rows) else None
            if row is not None and name in row.fields:
                row.add_error(name, errors)
            else:
                form.add_error(None, errors)
        elif key == "attachments":  # too few files: said beside the file input
            form.add_error("files", errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


def _report_page(
    request: AuthenticatedHttpRequest,
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
        # A new ad-hoc item: the token that makes this form, sent twice, one report.
        "form_token": uuid.uuid4() if submission is None and period is None else None,
    }
    initial.update({f"value_{k}": v for k, v in (draft.get("values") or {}).items()})
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, request.FILES or None, initial=initial, requirement=requirement)
    activities = ActivityFormSet(
        data, initial=draft.get("activities") or None, prefix="act", form_kwargs=form_kwargs
    )
    if data is not None and form.is_valid() and activities.is_valid():
        draft = form.draft([row.as_draft() for row in activities.filled()])
        token = form.cleaned_data["form_token"] if submission is None else None
        try:
            if "submit" in request.POST:
                version = services.save_and_submit(
                    actor=request.user,
                    participant=participant,
                    requirement=requirement,
                    period=period,
                    submission=submission,
                    form_token=token,
                    draft=draft,
                    files=form.cleaned_data["files"],
                )
                messages.success(request, _("Submitted. The office has your report."))
                return redirect("reports:report_detail", pk=version.submission_id)
            submission = services.save_draft(
                actor=request.user,
                participant=participant,
                requirement=requirement,
                period=period,
                submission=submission,
                form_token=token,
                draft=draft,
            )
            if form.cleaned_data["files"]:
                services.attach_files(
                    actor=request.user, submission=submission, uploads=form.cleaned_data["files"]
                )
        except services.StateConflict as exc:
            messages.error(request, exc.messages[0])
            return redirect("reports:report_detail", pk=exc.submission_id or submission.pk)
        except ValidationError as exc:
            chosen = form.cleaned_data["files"]
            _show_draft_errors(exc, form, activities)
            if "submit" in request.POST and chosen:
                # A refused submit keeps nothing of this attempt, the chosen files included.
                form.add_error("files", _("The files you chose were not kept: choose them again."))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("reports:report_edit", pk=submission.pk)
    attachments = list(submission.attachments.filter(in_draft=True)) if submission else []
    opens = services.accepts_from(period, requirement) if period else None
    return render(
        request,
        "reports/form.html",
        {
            "form": form,
            "activities": activities,
            "participant": participant,
            "requirement": requirement,
            "period": period,
            "not_open_until": opens if opens and opens > timezone.now() else None,
            "submission": submission,
            "returns": submission.reviews.filter(kind="return") if submission else [],
            "attachments": attachments,
            "evidence_needs": evidence_needs(requirement, evidence_counts(attachments)),
            # Files of a saved draft go straight to the object store, where there is one.
            "direct_uploads": (
                reverse("api-v1:create_direct_upload", args=[submission.pk])
                if submission and direct_uploads_enabled()
                else None
            ),
        },
        status=400 if data is not None else 200,
    )


@login_required
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start the report of a unit for a period (or an ad-hoc item for a requirement)."""
    participant = _participant_for(request, request.GET.get("participant"))
    period = None
    if request.GET.get("period"):
        period = get_object_or_404(
            Period.objects.select_related("requirement"),
            pk=query_id(request.GET["period"]) or 0,
            requirement__campaign=participant.campaign,
        )
        existing = selectors.find_submission(participant, period)
        if existing:
            return redirect("reports:report_edit", pk=existing.pk)
        requirement = period.requirement
    else:
        requirement = get_object_or_404(
            Requirement,
            pk=query_id(request.GET.get("requirement")) or 0,
            campaign=participant.campaign,
        )
        if requirement.periods.exists():
            raise PermissionDenied  # periodic requirements are reported per period
    return _report_page(
        request, participant=participant, requirement=requirement, period=period, submission=None
    )


@login_required
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for(request.user, pk, perm="reports.report")
    if submission.state not in EDITABLE:
        return redirect("reports:report_detail", pk=submission.pk)
    return _report_page(
        request,
        participant=submission.participant,
        requirement=submission.requirement,
        period=submission.period,
        submission=submission,
    )


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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


@login_required
@require_POST
def report_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for(request.user, pk, perm="reports.review")
    try:
        services.accept_submission(actor=request.user, submission=submission)
        messages.success(request, _("Accepted."))
    except services.StateConflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("reports:report_detail", pk=submission.pk)


@login_required
@require_POST
def report_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for(request.user, pk, perm="reports.review")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is returned."))
        return redirect("reports:report_detail", pk=submission.pk)
    try:
        services.return_submission(
            actor=request.user, submission=submission, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Returned to the unit with your reason."))
    except services.StateConflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("reports:report_detail", pk=submission.pk)


@login_required
@permission_required("reports.review_somewhere", raise_exception=True)
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Submissions to review, filtered; accept several at once."""
    # Ids out of range or not numbers are ignored, like an unknown state.
    filters = {
        k: str(n)
        for k in ("campaign", "requirement", "period", "unit", "important", "files")
        if (n := query_id(request.GET.get(k))) is not None
    }
    if request.GET.get("state") in State.values:
        filters["state"] = request.GET["state"]
    submissions = selectors.inbox_for(request.user, filters=filters)
    if request.method == "POST":
        ids = [n for i in request.POST.getlist("ids") if (n := query_id(i)) is not None]
        chosen = submissions.filter(pk__in=ids)
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


@login_required
@require_GET
def attachment_file(
    request: AuthenticatedHttpRequest, pk: int, thumb: bool = False
) -> FileResponse:
    """The file (or its thumbnail) for whoever may see its report."""
    attachment = selectors.get_attachment_for(request.user, pk)
    name = attachment.thumbnail if thumb else attachment.storage_name
    if not name:
        raise Http404
    if not thumb:
        services.record_download(actor=request.user, attachment=attachment)
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
def attachment_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.get_attachment_for(request.user, pk, perm="reports.report")
    try:
        services.remove_attachment(actor=request.user, attachment=attachment)
        messages.success(
            request,
            _("“%(name)s” was taken out of the draft.") % {"name": attachment.original_name},
        )
    except services.StateConflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("reports:report_edit", pk=attachment.submission_id)


@login_required
@require_POST
def attachment_highlight(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.get_attachment_for(request.user, pk, perm="reports.review")
    services.set_highlight(
        actor=request.user, attachment=attachment, highlight=request.POST.get("highlight") == "1"
    )
    return redirect("reports:report_detail", pk=attachment.submission_id)


DELIVERIES_PER_PAGE = 100


@login_required
@require_GET
def reminder_deliveries(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Which reminders and notices of the campaign reached whom, through which channel, and
    which failed with the answer that came back; for those who oversee the campaign."""
    campaign = get_campaign_for(request.user, pk, perm="campaigns.oversee")
    outcome = request.GET.get("outcome", "")
    page = Paginator(selectors.deliveries_of(campaign, outcome=outcome), DELIVERIES_PER_PAGE)
    counts = selectors.delivery_counts(campaign)
    return render(
        request,
        "reports/deliveries.html",
        {
            "campaign": campaign,
            "page": page.get_page(request.GET.get("page")),
            "outcome": outcome if outcome in DeliveryState.values else "",
            "states": [(value, label, counts[value]) for value, label in DeliveryState.choices],
        },
    )
