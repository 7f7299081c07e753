"""The office's assessment pages: the campaign's rubric (made from the template, then edited
item by item) and the scores it gives every unit, computed from the data as of now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxuan.assessment import services
from anxuan.assessment.forms import ItemForm, RubricForm, SectionForm
from anxuan.assessment.models import Item, Rubric
from anxuan.campaigns import measures
from anxuan.campaigns.models import Campaign
from anxuan.campaigns.selectors import get_campaign_for, participants_of
from anxuan.core.http import AuthenticatedHttpRequest

PERM = "assessment.manage"


def _rubric_of(campaign: Campaign) -> Rubric:
    rubric = Rubric.objects.filter(campaign=campaign).first()
    if rubric is None:
        raise Http404
    return rubric


def _rubric_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    rubric_form: RubricForm | None = None,
    section_form: SectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rubric = Rubric.objects.filter(campaign=campaign).first()
    context: dict[str, object] = {"campaign": campaign, "rubric": rubric}
    if rubric is not None:
        items = services.items_of(rubric)
        labels = {m.key: m.label for m in measures.registered()}
        context |= {
            "sections": [
                (section, [(item, labels.get(item.measure, "")) for item in rows])
                for section, rows in services.grouped(items).items()
            ],
            "empty_sections": rubric.sections.exclude(items__isnull=False),
            "problems": services.problems(rubric),
            "rubric_form": rubric_form or RubricForm(instance=rubric),
            "section_form": section_form or SectionForm(),
        }
    return render(request, "assessment/rubric.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's rubric, and its title and total points."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    if request.method != "POST":
        return _rubric_page(request, campaign)
    form = RubricForm(request.POST, instance=_rubric_of(campaign))
    if form.is_valid():
        form.save()
        messages.success(request, _("The rubric is saved."))
        return redirect("assessment:rubric", pk=campaign.pk)
    return _rubric_page(request, campaign, rubric_form=form, status=400)


@login_required
@require_POST
def rubric_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make the rubric from the template; a second click finds the one made by the first."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if not Rubric.objects.filter(campaign=campaign).exists():
            services.from_template(campaign)
            messages.success(
                request, _("The rubric is made from the template. Change it to the office's own.")
            )
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_POST
def section_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _rubric_page(request, campaign, section_form=form, status=400)
    section = form.save(commit=False)
    section.rubric = rubric
    section.save()
    messages.success(request, _("Section “%(title)s” added.") % {"title": section.title})
    return redirect("assessment:rubric", pk=campaign.pk)


def _item_page(
    request: AuthenticatedHttpRequest, campaign: Campaign, form: ItemForm, status: int = 200
) -> HttpResponse:
    described = [(m.label, m.unit, m.help) for m in measures.registered()]
    return render(
        request,
        "assessment/item.html",
        {"campaign": campaign, "form": form, "item": form.instance, "measures": described},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    if request.method != "POST":
        first = rubric.sections.order_by("order", "pk").first()
        return _item_page(
            request, campaign, ItemForm(campaign=campaign, initial={"section": first})
        )
    form = ItemForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _item_page(request, campaign, form, status=400)
    form.save()
    messages.success(request, _("Item “%(title)s” added.") % {"title": form.instance.title})
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    found = get_object_or_404(
        Item.objects.select_related("section"), pk=item, section__rubric__campaign=campaign
    )
    if request.method != "POST":
        return _item_page(request, campaign, ItemForm(instance=found, campaign=campaign))
    form = ItemForm(request.POST, instance=found, campaign=campaign)
    if not form.is_valid():
        return _item_page(request, campaign, form, status=400)
    form.save()
    messages.success(request, _("Item “%(title)s” saved.") % {"title": found.title})
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_POST
def item_remove(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    found = get_object_or_404(Item, pk=item, section__rubric__campaign=campaign)
    found.delete()
    messages.success(request, _("Item “%(title)s” removed.") % {"title": found.title})
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_GET
def scores(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every unit's points per item as the data stands now, with subtotals and the total;
    items an assessor scores show as blank until they are."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    items = services.items_of(rubric)
    sections = services.grouped(items)
    participants = list(participants_of(campaign).order_by("organization__path"))
    sheets = services.sheets(rubric, [p.pk for p in participants])
    rows = [
        (
            participant,
            sheets[participant.pk],
            [
                (
                    [sheets[participant.pk].outcomes[i.pk] for i in section_items],
                    sheets[participant.pk].section_total(section_items),
                )
                for section_items in sections.values()
            ],
        )
        for participant in participants
    ]
    return render(
        request,
        "assessment/scores.html",
        {"campaign": campaign, "rubric": rubric, "sections": sections, "rows": rows},
    )
