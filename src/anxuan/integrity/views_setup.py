"""The pages where an office sets up the checks: the campaign's rules, figure bounds and
unit places; the office's shared materials; the attachments the worker could not check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxuan.campaigns.models import Campaign
from anxuan.campaigns.selectors import get_campaign_for, participants_of
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.views import add_service_errors
from anxuan.integrity import selectors, services
from anxuan.integrity.checks import rules_for
from anxuan.integrity.enums import CheckState
from anxuan.integrity.forms import BoundForm, MaterialForm, PlacesForm, RulesForm
from anxuan.integrity.models import FigureBound, SharedMaterial, UnitPlace
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization
from anxuan.orgs.rules import own_org_ids

# The rules page ---------------------------------------------------------------------------


def _rules_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    rules_form: RulesForm | None = None,
    bound_form: BoundForm | None = None,
    places_form: PlacesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rules = rules_for(campaign)
    participants = list(participants_of(campaign).order_by("organization__name"))
    if places_form is None:
        places = UnitPlace.objects.filter(
            organization__in=[p.organization_id for p in participants]
        )
        places_form = PlacesForm(
            initial=PlacesForm.initial_for(list(places)), participants=participants
        )
    bounds = rules.bounds.select_related("lesser", "greater").order_by("pk")
    return render(
        request,
        "integrity/setup/rules.html",
        {
            "campaign": campaign,
            "rules_form": rules_form or RulesForm(instance=rules),
            "bound_form": bound_form or BoundForm(campaign=campaign),
            "places_form": places_form,
            "bounds": bounds,
            "has_indicators": campaign.indicators.exists(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's thresholds: every number the checks use, set by its office."""
    campaign = get_campaign_for(request.user, pk, perm="integrity.set_rules")
    if request.method != "POST":
        return _rules_page(request, campaign)
    form = RulesForm(request.POST, instance=rules_for(campaign))
    if form.is_valid():
        try:
            services.set_rules(
                actor=request.user,
                campaign=campaign,
                values={name: form.cleaned_data[name] for name in services.RULE_FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The rules are saved. Reports checked from now on follow them.")
            )
            return redirect("integrity:rules", pk=campaign.pk)
    return _rules_page(request, campaign, rules_form=form, status=400)


@login_required
@require_POST
def bound_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm="integrity.set_rules")
    form = BoundForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            bound = services.add_bound(
                actor=request.user,
                campaign=campaign,
                lesser=form.cleaned_data["lesser"],
                greater=form.cleaned_data["greater"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Added: %(lesser)s may not exceed %(greater)s.")
                % {"lesser": bound.lesser.name, "greater": bound.greater.name},
            )
            return redirect("integrity:rules", pk=campaign.pk)
    return _rules_page(request, campaign, bound_form=form, status=400)


@login_required
@require_POST
def bound_remove(request: AuthenticatedHttpRequest, pk: int, bound: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm="integrity.set_rules")
    found = get_object_or_404(
        FigureBound.objects.select_related("rules__campaign", "lesser", "greater"),
        pk=bound,
        rules__campaign=campaign,
    )
    services.remove_bound(actor=request.user, bound=found)
    messages.success(
        request,
        _("Removed: %(lesser)s may not exceed %(greater)s.")
        % {"lesser": found.lesser.name, "greater": found.greater.name},
    )
    return redirect("integrity:rules", pk=campaign.pk)


@login_required
@require_POST
def unit_places(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm="integrity.set_rules")
    participants = list(participants_of(campaign).order_by("organization__name"))
    form = PlacesForm(request.POST, participants=participants)
    if form.is_valid():
        try:
            saved = services.set_unit_places(
                actor=request.user, campaign=campaign, places=form.places()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Places and populations saved (%(n)d units changed).") % {"n": len(saved)},
            )
            return redirect("integrity:rules", pk=campaign.pk)
    messages.error(request, _("Nothing was saved: correct the marked cells below."))
    return _rules_page(request, campaign, places_form=form, status=400)


# Shared materials -------------------------------------------------------------------------


def _office_of(request: AuthenticatedHttpRequest) -> Organization:
    """The office whose materials the page shows: `?org=` among the person's offices, or
    the first of them."""
    offices = own_org_ids(request.user, OFFICE_ROLES)
    wanted = request.GET.get("org") or request.POST.get("org") or ""
    if wanted:
        if not wanted.isascii() or not wanted.isdigit() or int(wanted) not in offices:
            raise Http404
        offices = [int(wanted)]
    if not offices:
        raise PermissionDenied
    return Organization.objects.get(pk=offices[0])


@login_required
@require_http_methods(["GET", "POST"])
def materials(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's official posters, photos, videos and texts: evidence matching them is
    never flagged as a copy."""
    office = _office_of(request)
    if not request.user.has_perm("integrity.share", office):
        raise PermissionDenied
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.share_material(
                actor=request.user,
                owner=office,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” is shared.") % {"title": material.title})
            return redirect(f"{request.path}?org={office.pk}")
    shown = list(selectors.materials_of(office))
    checks = selectors.material_checks(shown)
    rows = [(m, checks.get(m.pk)) for m in shown]
    others = Organization.objects.filter(pk__in=own_org_ids(request.user, OFFICE_ROLES)).exclude(
        pk=office.pk
    )
    return render(
        request,
        "integrity/setup/materials.html",
        {
            "office": office,
            "others": others,
            "form": form,
            "rows": rows,
            "CHECKED": CheckState.CHECKED,
            "FAILED": CheckState.FAILED,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _material_for(request: AuthenticatedHttpRequest, pk: int) -> SharedMaterial:
    material = SharedMaterial.objects.select_related("owner").filter(pk=pk).first()
    if material is None or not request.user.has_perm("orgs.view_organization", material.owner):
        raise Http404
    return material


@login_required
@require_POST
def material_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    material = _material_for(request, pk)
    owner = material.owner_id
    services.remove_material(actor=request.user, material=material)
    messages.success(request, _("“%(title)s” is no longer shared.") % {"title": material.title})
    return redirect(f"{reverse('integrity:materials')}?org={owner}")


@login_required
@require_GET
def material_thumb(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A material's thumbnail, for whoever may see the office that shares it."""
    material = _material_for(request, pk)
    if not material.thumbnail:
        raise Http404
    response = FileResponse(
        default_storage.open(material.thumbnail, "rb"), content_type="image/jpeg"
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response


# Could not check ----------------------------------------------------------------------


UNCHECKED_SHOWN = 200


@login_required
@require_GET
def unchecked(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's evidence the worker could not read, with why, and how the checks keep
    up: checked, waiting and failed attachments."""
    campaign = get_campaign_for(request.user, pk, perm="integrity.oversee")
    failed = selectors.failed_checks(campaign)
    return render(
        request,
        "integrity/setup/unchecked.html",
        {
            "campaign": campaign,
            "counts": selectors.check_counts(campaign),
            "failed": failed[:UNCHECKED_SHOWN],
            "shown": UNCHECKED_SHOWN,
        },
    )
