import calendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anxuan.campaigns import selectors, services
from anxuan.campaigns.blueprints import BLUEPRINTS
from anxuan.campaigns.forms import (
    BLANK,
    CampaignCreateForm,
    CampaignForm,
    ColumnsForm,
    CopyCampaignForm,
    IndicatorForm,
    LiaisonForm,
    ParticipantsForm,
    PhaseForm,
    RequirementForm,
)
from anxuan.campaigns.models import Campaign, Participant, Period, Phase, Requirement
from anxuan.core.http import AuthenticatedHttpRequest, query_id
from anxuan.core.views import add_service_errors, render_form
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.rules import subtree_q
from anxuan.orgs.selectors import latest_import_under, organizations_visible_to

MANAGE = "campaigns.manage_campaign"


def _office_orgs(request: AuthenticatedHttpRequest):
    """Organisations where the person may organise campaigns."""
    return organizations_visible_to(request.user).filter(subtree_q(request.user, OFFICE_ROLES))


@login_required
@require_GET
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_visible_to(request.user).order_by("-year", "-starts_on", "pk")
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": campaigns,
            "can_create": request.user.has_perm("orgs.office_work"),
        },
    )


@login_required
@permission_required("orgs.office_work", raise_exception=True)
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    owners = _office_orgs(request)
    form = CampaignCreateForm(
        request.POST or None,
        owners=owners,
        initial={
            "template": "safety_month",
            "year": services.default_year(),
            "owner": owners.first(),
        },
    )
    duplicates = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["template"] == BLANK:
                campaign = services.create_campaign(
                    actor=request.user,
                    owner=data["owner"],
                    title=data["title"],
                    year=data["year"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    allow_duplicate=data["create_anyway"],
                )
            else:
                campaign = services.create_campaign_from_blueprint(
                    actor=request.user,
                    owner=data["owner"],
                    blueprint_key=data["template"],
                    year=data["year"],
                    allow_duplicate=data["create_anyway"],
                )
        except ValidationError as exc:
            if getattr(exc, "code", None) == services.DUPLICATE:
                kind = BLUEPRINTS[data["template"]].kind if data["template"] != BLANK else ""
                duplicates = selectors.same_kind_campaigns(
                    request.user, owner=data["owner"], kind=kind, year=data["year"]
                )
                form.offer_duplicate()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Campaign created. Add participants next."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/create.html",
        {"form": form, "duplicates": duplicates},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk)
    can_manage = request.user.has_perm("campaigns.manage_campaign", campaign)
    mine = selectors.participants_for(request.user, campaign) if not can_manage else None
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "phases": campaign.phases.all(),
            "requirements": selectors.requirements_with_periods(campaign),
            "indicators": campaign.indicators.order_by("campaignindicator__order"),
            "activity_types": campaign.activity_types.all(),
            "domains": campaign.domains.all(),
            "participant_count": campaign.participants.count(),
            "asks_for_liaison_form": selectors.asks_for_liaison_form(campaign),
            "unregistered": selectors.unregistered_participants(campaign).count(),
            "my_participants": mine,
            "linkable": selectors.linkable_for(request.user, campaign),
            "children": campaign.children.filter(archived=False).select_related("owner"),
        },
    )


@login_required
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    indicators = selectors.indicators_visible_to(request.user)
    form = CampaignForm(
        request.POST or None, instance=Campaign.objects.get(pk=campaign.pk), indicators=indicators
    )
    if form.is_valid():
        try:
            services.update_campaign(actor=request.user, campaign=campaign, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render_form(
        request,
        form,
        title=_("Edit %(t)s") % {"t": campaign.title},
        submit=_("Save"),
        back=campaign.get_absolute_url(),
    )


@login_required
def campaign_columns(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The order of the statistics table's columns: a number per column."""
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    indicators = list(campaign.indicators.order_by("campaignindicator__order"))
    form = ColumnsForm(request.POST or None, indicators=indicators)
    if form.is_valid():
        try:
            services.order_indicators(
                actor=request.user, campaign=campaign, indicators=form.ordered()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render_form(
        request,
        form,
        title=_("Order of the statistics columns"),
        submit=_("Save"),
        back=campaign.get_absolute_url(),
        intro=_(
            "Number the columns in the order of your own table: smaller first. The "
            "statistics page, its Excel file, the API and the Word summary follow it."
        ),
    )


@login_required
def campaign_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    form = CopyCampaignForm(request.POST or None, initial={"year": source.year + 1})
    if form.is_valid():
        try:
            campaign = services.copy_campaign(
                actor=request.user, source=source, year=form.cleaned_data["year"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Copied. Check the dates, then ask units to register their liaisons.")
            )
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render_form(
        request,
        form,
        title=_("Repeat %(t)s in another year") % {"t": source.title},
        submit=_("Copy"),
        back=source.get_absolute_url(),
        intro=_(
            "Phases, requirements and deadlines move to the new year; indicators, activity "
            "types, domains and participants are copied. Units without a liaison account "
            "register their liaison again."
        ),
    )


@login_required
@require_POST
def campaign_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    services.archive_campaign(actor=request.user, campaign=campaign)
    messages.success(request, _("Campaign archived."))
    return redirect("campaigns:campaign_list")


@login_required
@require_GET
def campaign_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every due time of the campaign on month grids."""
    campaign = selectors.get_campaign_for(request.user, pk)
    periods = list(
        Period.objects.filter(requirement__campaign=campaign)
        .select_related("requirement")
        .order_by("due_at")
    )
    by_day: dict[date, list[Period]] = {}
    for period in periods:
        by_day.setdefault(timezone.localtime(period.due_at).date(), []).append(period)
    months = []
    first = min([campaign.starts_on, *by_day], default=campaign.starts_on)
    last = max([campaign.ends_on, *by_day], default=campaign.ends_on)
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        weeks = [
            [(d, by_day.get(d, [])) if d.month == month else (None, []) for d in week]
            for week in calendar.Calendar().monthdatescalendar(year, month)
        ]
        months.append({"first": date(year, month, 1), "weeks": weeks})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(
        request,
        "campaigns/calendar.html",
        {
            "campaign": campaign,
            "months": months,
            "periods": periods,
        },
    )


@login_required
def phase_edit(
    request: AuthenticatedHttpRequest, pk: int, phase_pk: int | None = None
) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    phase = get_object_or_404(Phase, pk=phase_pk, campaign=campaign) if phase_pk else None
    form = PhaseForm(request.POST or None, instance=phase)
    if form.is_valid():
        try:
            services.save_phase(
                actor=request.user, campaign=campaign, phase=phase, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render_form(
        request,
        form,
        title=_("Phase of %(t)s") % {"t": campaign.title},
        submit=_("Save"),
        back=campaign.get_absolute_url(),
        delete_url=reverse("campaigns:phase_delete", args=[campaign.pk, phase.pk]) if phase else "",
    )


@login_required
@require_POST
def phase_delete(request: AuthenticatedHttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    services.delete_phase(
        actor=request.user, phase=get_object_or_404(Phase, pk=phase_pk, campaign=campaign)
    )
    messages.success(request, _("Phase removed."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@login_required
def requirement_edit(
    request: AuthenticatedHttpRequest, pk: int, requirement_pk: int | None = None
) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    requirement = (
        get_object_or_404(Requirement, pk=requirement_pk, campaign=campaign)
        if requirement_pk
        else None
    )
    form = RequirementForm(request.POST or None, instance=requirement, campaign=campaign)
    if form.is_valid():
        try:
            saved = services.save_requirement(
                actor=request.user,
                campaign=campaign,
                requirement=requirement,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(n)d periods.") % {"n": saved.periods.count()})
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render_form(
        request,
        form,
        title=_("Reporting requirement of %(t)s") % {"t": campaign.title},
        submit=_("Save"),
        back=campaign.get_absolute_url(),
        delete_url=(
            reverse("campaigns:requirement_delete", args=[campaign.pk, requirement.pk])
            if requirement
            else ""
        ),
    )


@login_required
@require_POST
def requirement_delete(
    request: AuthenticatedHttpRequest, pk: int, requirement_pk: int
) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    requirement = get_object_or_404(Requirement, pk=requirement_pk, campaign=campaign)
    try:
        services.delete_requirement(actor=request.user, requirement=requirement)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Requirement removed."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A participant office sets up its own campaign under this one."""
    parent = selectors.get_campaign_for(request.user, pk)
    owner = get_object_or_404(
        Participant.objects.select_related("organization"),
        campaign=parent,
        organization_id=query_id(request.POST.get("owner")) or 0,
    ).organization
    try:
        child = services.create_linked_campaign(actor=request.user, parent=parent, owner=owner)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("campaigns:campaign_detail", pk=parent.pk)
    messages.success(
        request,
        _(
            "Your campaign under “%(title)s” is set up with its requirements and deadlines: "
            "add your units; a deadline may be made earlier, not later."
        )
        % {"title": parent.title},
    )
    return redirect("campaigns:participants", pk=child.pk)


@login_required
def participants(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Participants with their liaison registration; the office adds units in bulk here."""
    campaign = selectors.get_campaign_for(request.user, pk)
    can_manage = request.user.has_perm("campaigns.manage_campaign", campaign)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    rows = selectors.participants_for(request.user, campaign)
    form = None
    units: list = []
    latest_import = None
    since_error = ""
    if can_manage:
        latest_import = latest_import_under(request.user, campaign.owner)
        only_ids = None
        if request.GET.get("new") == "last" and latest_import is not None:
            only_ids = [int(pk) for pk in latest_import.data.get("organizations", [])]
        since = None
        if request.GET.get("since"):
            try:
                since = date.fromisoformat(request.GET["since"])
            except ValueError:
                since_error = _("Write the day as 2026-05-20.")
        candidates = selectors.participant_candidates(
            request.user, campaign, only_ids=only_ids, created_since=since
        )
        units = list(candidates)
        form = ParticipantsForm(
            request.POST or None, organizations=candidates.filter(taking_part=False)
        )
        if form.is_valid():
            added = services.add_participants(
                actor=request.user,
                campaign=campaign,
                organizations=list(form.cleaned_data["organizations"]),
                joined_on=form.cleaned_data["joined_on"],
            )
            messages.success(request, _("%(n)d units added.") % {"n": added})
            return redirect("campaigns:participants", pk=campaign.pk)
    asks = selectors.asks_for_liaison_form(campaign)
    filter_ = request.GET.get("show", "") if asks else ""
    if filter_ == "unregistered":
        rows = rows.filter(registered_at__isnull=True)
    ticked = set(form["organizations"].value() or []) if form is not None else set()
    return render(
        request,
        "campaigns/participants.html",
        {
            "campaign": campaign,
            "rows": rows,
            "form": form,
            "can_manage": can_manage,
            "show": filter_,
            "asks_for_liaison_form": asks,
            "units": units,
            "ticked": {str(pk) for pk in ticked},
            "selectable": sum(1 for u in units if not u.taking_part),
            "latest_import": latest_import,
            "latest_count": len(latest_import.data.get("organizations", []))
            if latest_import
            else 0,
            "new": request.GET.get("new", ""),
            "since": request.GET.get("since", ""),
            "since_error": since_error,
        },
        status=400 if (form is not None and form.errors) or since_error else 200,
    )


@login_required
@require_POST
def participant_remove(
    request: AuthenticatedHttpRequest, pk: int, participant_pk: int
) -> HttpResponse:
    campaign = selectors.get_campaign_for(request.user, pk, perm=MANAGE)
    participant = selectors.get_participant_for(request.user, campaign, participant_pk)
    try:
        services.remove_participant(actor=request.user, participant=participant)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("“%(u)s” no longer takes part.") % {"u": participant.organization}
        )
    return redirect("campaigns:participants", pk=campaign.pk)


@login_required
def liaison_register(
    request: AuthenticatedHttpRequest, pk: int, participant_pk: int
) -> HttpResponse:
    """The liaison form (联络员推荐表): a unit names its liaison for the campaign."""
    campaign = selectors.get_campaign_for(request.user, pk)
    participant = selectors.get_participant_for(request.user, campaign, participant_pk)
    if not request.user.has_perm("campaigns.register_liaison", participant):
        raise PermissionDenied
    initial = {
        "name": participant.liaison_name or request.user.full_name,
        "title": participant.liaison_title,
        "mobile": participant.liaison_mobile or request.user.mobile or "",
        "phone": participant.liaison_phone,
    }
    form = LiaisonForm(request.POST or None, initial=initial)
    if form.is_valid():
        services.register_liaison(actor=request.user, participant=participant, **form.cleaned_data)
        messages.success(
            request, _("Liaison registered for %(u)s.") % {"u": participant.organization}
        )
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render_form(
        request,
        form,
        title=_("Liaison form: %(u)s") % {"u": participant.organization},
        submit=_("Submit"),
        back=campaign.get_absolute_url(),
        intro=_("%(c)s — name the person who reports for your unit.") % {"c": campaign.title},
    )


@login_required
@permission_required("orgs.office_work", raise_exception=True)
@require_GET
def indicator_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/indicators.html",
        {
            "indicators": selectors.indicators_visible_to(request.user),
        },
    )


@login_required
@permission_required("orgs.office_work", raise_exception=True)
def indicator_edit(
    request: AuthenticatedHttpRequest, indicator_pk: int | None = None
) -> HttpResponse:
    indicator = None
    if indicator_pk:
        indicator = get_object_or_404(
            selectors.indicators_visible_to(request.user), pk=indicator_pk
        )
    owner = indicator.owner if indicator else _office_orgs(request).first()
    form = IndicatorForm(request.POST or None, instance=indicator)
    if form.is_valid():
        try:
            services.save_indicator(
                actor=request.user, owner=owner, indicator=indicator, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("campaigns:indicator_list")
    intro = (
        _("Shared indicators are kept by the system administrators.")
        if (indicator and indicator.owner is None)
        else ""
    )
    return render_form(
        request, form, title=_("Statistics indicator"), submit=_("Save"), intro=intro
    )
