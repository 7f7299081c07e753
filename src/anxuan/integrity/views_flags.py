"""The review pages of integrity flags (疑似形式主义): the campaign's list, a flag with both
sides of the match, the unit's explanation and the office's decision, the unit's own list.

Pictures of a match come through `flag_image` only: a thumbnail of a photo or one frame of a
video, for whoever may see the flag. An original is linked only on a side the person sees in
full, and then through the reports app's own download (which checks its own permission)."""

import io
from dataclasses import dataclass
from typing import Any

import av
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from anxuan.campaigns.selectors import get_campaign_for
from anxuan.core.files import VIDEO
from anxuan.core.http import AuthenticatedHttpRequest, query_id
from anxuan.core.models import AuditEntry
from anxuan.core.views import add_service_errors
from anxuan.integrity import checks, fingerprints, selectors, services
from anxuan.integrity.enums import FlagKind, FlagState, Severity
from anxuan.integrity.models import ExplanationFile, Flag
from anxuan.integrity.selectors import Side
from anxuan.reports.forms import EvidenceField
from anxuan.reports.models import Attachment
from anxuan.reports.services import StateConflict

FLAGS_PER_PAGE = 50
FRAME_WIDTH = 480
DECISIONS = ("integrity.confirmed", "integrity.dismissed")


class ExplainForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why this is not formalism"),
        required=False,  # the service says what is missing, as for the API
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # reports.forms has no type hints yet
    evidence = EvidenceField(  # type: ignore[no-untyped-call]
        label=gettext_lazy("New evidence (photos, videos, documents)"),
        required=False,
    )


class DecideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def get_flag_for(person: Any, pk: int, perm: str = "integrity.view_flag") -> Flag:
    """The flag if the person may see it (404 otherwise, so its existence is not revealed),
    and 403 when they see it but may not do `perm`."""
    flag = get_object_or_404(
        Flag.objects.select_related(
            "campaign__owner",
            "participant__organization",
            "submission__requirement",
            "submission__period",
            "version",
            "attachment",
            "other_attachment",
            "other_version",
            "decided_by",
        ),
        pk=pk,
    )
    if not person.has_perm("integrity.view_flag", flag):
        raise Http404
    if perm != "integrity.view_flag" and not person.has_perm(perm, flag):
        raise PermissionDenied
    return flag


def _choice(value: str | None, choices: list[str]) -> str:
    return value if value in choices else ""


@login_required
@require_GET
def flag_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A campaign's flags for its office and reviewers, filtered, with counts per unit and
    per kind."""
    campaign = get_campaign_for(request.user, pk, perm="integrity.oversee")
    filters = {
        "kind": _choice(request.GET.get("kind"), FlagKind.values),
        "state": _choice(request.GET.get("state"), FlagState.values),
        "severity": _choice(request.GET.get("severity"), Severity.values),
    }
    unit = query_id(request.GET.get("unit"))
    flags = selectors.campaign_flags(campaign, participant_id=unit, **filters).select_related(
        "submission__period__requirement"  # a period's label names its requirement
    )
    page = Paginator(flags, FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    by_kind = selectors.counts_by_kind(campaign)
    query = "&".join(f"{k}={v}" for k, v in {**filters, "unit": unit or ""}.items() if v)
    return render(
        request,
        "integrity/flags/list.html",
        {
            "campaign": campaign,
            "page": page,
            "filters": filters,
            "unit": unit,
            "query": query,
            "units": selectors.counts_by_unit(campaign),
            "kinds": [(v, label, by_kind.get(v, 0)) for v, label in FlagKind.choices],
            "kind_choices": FlagKind.choices,
            "state_choices": FlagState.choices,
            "severity_choices": Severity.choices,
        },
    )


@login_required
@require_GET
def own_flag_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The flags on the reports of the person's own units, open ones first."""
    flags = (
        selectors.own_flags(request.user)
        .select_related("submission__period__requirement")
        .order_by("-found_at", "-id")
    )
    page = Paginator(flags, FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "integrity/flags/own.html", {"page": page})


@dataclass
class Passage:
    text: str
    source: str
    html: SafeString


def _highlighted(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts, at = [], 0
    for start, end in spans:
        parts += [escape(text[at:start]), f"<mark>{escape(text[start:end])}</mark>"]
        at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308  (escaped above)


def _texts(flag: Flag, this: Side, other: Side) -> tuple[Passage | None, Passage | None]:
    """The two texts of a copied-text flag with the passages they share marked; passages
    every unit may repeat (themes, slogans, shared materials) are not marked."""
    if flag.kind != FlagKind.COPIED_TEXT:
        return None, None
    mine = checks.version_texts(flag.version).get(flag.text_source, "")
    theirs = ""
    if other.version is not None:
        source = flag.details.get("other_source") or flag.text_source
        theirs = checks.version_texts(other.version).get(source, "")
    allowed = fingerprints.shared_shingles(
        checks.shared_passages(flag.campaign, checks.rules_for(flag.campaign))
    )
    common = frozenset(fingerprints.shingles(mine) & fingerprints.shingles(theirs)) - allowed
    this_passage = Passage(
        mine, flag.text_source, _highlighted(mine, fingerprints.shared_spans(mine, common))
    )
    other_passage = (
        Passage(theirs, "", _highlighted(theirs, fingerprints.shared_spans(theirs, common)))
        if other.full
        else None
    )
    return this_passage, other_passage


def _local(value: str | None) -> Any:
    return parse_datetime(value) if value else None


def _decisions(flag: Flag) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type=Flag._meta.label_lower, target_id=str(flag.pk), action__in=DECISIONS
        )
        .select_related("actor")
        .order_by("at", "id")
    )


def _detail(
    request: AuthenticatedHttpRequest,
    flag: Flag,
    *,
    explain_form: ExplainForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    this, other = selectors.this_side(user, flag), selectors.other_side(user, flag)
    mine, theirs = _texts(flag, this, other)
    details = flag.details
    return render(
        request,
        "integrity/flags/detail.html",
        {
            "flag": flag,
            "this": this,
            "other": other,
            "mine": mine,
            "theirs": theirs,
            "details": details,
            "taken_at": _local(details.get("taken_at")),
            "submitted_at": _local(details.get("submitted_at")),
            "explanations": flag.explanations.select_related("author").prefetch_related("files"),
            "decisions": _decisions(flag),
            "can_explain": user.has_perm("integrity.explain", flag),
            "can_decide": user.has_perm("integrity.decide", flag),
            "explain_form": explain_form or ExplainForm(),
            "decide_form": decide_form or DecideForm(),
        },
        status=status,
    )


@login_required
@require_GET
def flag_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_flag_for(request.user, pk))


@login_required
def flag_explain(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The unit's answer (申辩): text and new evidence; a refused file keeps nothing."""
    flag = get_flag_for(request.user, pk, perm="integrity.explain")
    if request.method != "POST":
        return redirect(f"{flag_url(flag)}#explain")
    form = ExplainForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.explain(
                actor=request.user,
                flag=flag,
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["evidence"],
            )
        except StateConflict as exc:
            messages.error(request, exc.messages[0])
            return redirect(flag_url(flag))
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "files" in exc.error_dict:
                exc = ValidationError({"evidence": exc.error_dict.pop("files"), **exc.error_dict})
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your explanation was sent to the office."))
            return redirect(flag_url(flag))
    if request.FILES:
        form.add_error("evidence", _("Nothing was saved: choose the files again."))
    return _detail(request, flag, explain_form=form, status=400)


@login_required
@require_POST
def flag_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm (counted against the unit) or dismiss, with a reason; a decided flag may be
    decided again with a new reason."""
    flag = get_flag_for(request.user, pk, perm="integrity.decide")
    decision = request.POST.get("decision")
    form = DecideForm(request.POST)
    if decision not in ("confirm", "dismiss"):
        form.add_error(None, _("Choose to confirm or to dismiss."))
    elif form.is_valid():
        decide = services.confirm if decision == "confirm" else services.dismiss
        try:
            decide(actor=request.user, flag=flag, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Confirmed as formalism.") if decision == "confirm" else _("Dismissed."),
            )
            return redirect(flag_url(flag))
    return _detail(request, get_flag_for(request.user, pk), decide_form=form, status=400)


def flag_url(flag: Flag) -> str:
    return reverse("integrity:flag_detail", args=[flag.pk])


def _frame(attachment: Attachment, at: float) -> str:
    """The video's picture at `at` seconds as a JPEG in storage (made once)."""
    name = f"integrity/frames/{attachment.sha256}-{int(at * 1000)}.jpg"
    if default_storage.exists(name):
        return name
    picture: Image.Image | None = None
    with (
        default_storage.open(attachment.storage_name, "rb") as file,
        av.open(file, mode="r") as container,
    ):
        stream = container.streams.video[0]
        if at > 0 and stream.time_base is not None:
            container.seek(int(at / stream.time_base), stream=stream)
        for frame in container.decode(stream):
            time = frame.time or 0.0
            picture = frame.to_image()  # type: ignore[no-untyped-call]
            if time + 1e-3 >= at:
                break
    if picture is None:
        raise Http404
    picture.thumbnail((FRAME_WIDTH, FRAME_WIDTH))
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, "JPEG", quality=82)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


@login_required
@require_GET
def flag_image(request: AuthenticatedHttpRequest, pk: int, side: str) -> FileResponse:
    """The thumbnail of a side's photo, or the matched frame of a side's video, for whoever
    may see the flag. Never an original."""
    if side not in ("this", "other"):
        raise Http404
    flag = get_flag_for(request.user, pk)
    attachment = flag.attachment if side == "this" else flag.other_attachment
    if attachment is None:
        raise Http404
    if attachment.kind == VIDEO:
        at = flag.details.get("at" if side == "this" else "other_at")
        try:
            name = _frame(attachment, float(at or 0))
        except (OSError, av.FFmpegError, IndexError) as exc:
            raise Http404 from exc
    else:
        name = attachment.thumbnail
    if not name:
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def explanation_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file the unit sent with its explanation, for whoever may see the flag: a photo
    shown in the browser, anything else downloaded."""
    found = get_object_or_404(ExplanationFile.objects.select_related("explanation"), pk=pk)
    get_flag_for(request.user, found.explanation.flag_id)
    response = FileResponse(
        default_storage.open(found.storage_name, "rb"),
        content_type=found.content_type,
        as_attachment=found.kind != "photo",
        filename=found.original_name,
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response
