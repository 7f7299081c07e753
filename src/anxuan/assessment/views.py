"""The office's assessment pages: the campaign's rubric (made from the template, then edited
item by item) and the scores it gives every unit, computed from the data as of now."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxuan.assessment import publication, ranking, selectors, services, sheets
from anxuan.assessment.enums import RubricState
from anxuan.assessment.forms import (
    AssessorForm,
    AwardForm,
    GroupForm,
    ItemForm,
    PublishForm,
    RubricForm,
    SectionForm,
    VisitForm,
)
from anxuan.assessment.models import (
    AssessedScore,
    Assessor,
    Award,
    Item,
    Objection,
    Publication,
    RankGroup,
    Rubric,
    Visit,
    VisitPhoto,
)
from anxuan.assessment.scoring import plain
from anxuan.assessment.services import Entry
from anxuan.campaigns import measures
from anxuan.campaigns.models import Campaign, Participant
from anxuan.campaigns.selectors import get_campaign_for, get_participant_for, participants_of
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.views import xlsx_response
from anxuan.reports.models import Submission

PERM = selectors.PERM


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
    assessor_form: AssessorForm | None = None,
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
            "publish_form": PublishForm(),
            "section_form": section_form or SectionForm(),
            "assessors": rubric.assessors.select_related("person").prefetch_related(
                "units__organization"
            ),
            "assessor_form": assessor_form or AssessorForm(actor=request.user, campaign=campaign),
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


@login_required
@require_POST
def rubric_state(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open the assessment for scoring, or close it (freezing every unit's points)."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    change = services.close if request.POST.get("to") == "closed" else services.open_for_scoring
    try:
        change(actor=request.user, rubric=rubric)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        done = _("The assessment is closed; its points are frozen.")
        if change is services.open_for_scoring:
            done = _("The assessment is open: units may self-score, assessors score.")
        messages.success(request, done)
    return redirect("assessment:rubric", pk=campaign.pk)


def _entries(request: AuthenticatedHttpRequest, items: list[Item]) -> tuple[list[Entry], list[str]]:
    """The items' scores as the form sent them (`points-<id>`, `words-<id>`, `reports-<id>`,
    `visits-<id>`), and what could not be read."""
    entries, errors = [], []
    for item in items:
        raw = request.POST.get(f"points-{item.pk}", "").strip()
        try:
            points = Decimal(raw) if raw else None
        except InvalidOperation:
            errors.append(_("%(item)s: write the points as a number.") % {"item": item})
            continue
        if points is not None and not points.is_finite():
            errors.append(_("%(item)s: write the points as a number.") % {"item": item})
            continue
        cited = tuple(int(v) for v in request.POST.getlist(f"reports-{item.pk}") if v.isdigit())
        visits = tuple(int(v) for v in request.POST.getlist(f"visits-{item.pk}") if v.isdigit())
        words = request.POST.get(f"words-{item.pk}", "")
        entries.append(Entry(item, points, words, cited, visits))
    return entries, errors


def _score_page(
    request: AuthenticatedHttpRequest,
    template: str,
    participant: Participant,
    rubric: Rubric,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    items = services.items_of(rubric)
    sheet = services.sheets(rubric, [participant.pk])[participant.pk]
    reports = list(
        Submission.objects.filter(participant=participant, first_submitted_at__isnull=False)
        .select_related("requirement", "period__requirement")
        .order_by("period__due_at", "pk")
    )
    posted = request.POST if request.method == "POST" else None
    rows = [ScoreRow(item, sheet, request.user.pk, rubric, posted) for item in items]
    return render(
        request,
        template,
        {
            "campaign": rubric.campaign,
            "rubric": rubric,
            "participant": participant,
            "sheet": sheet,
            "sections": [
                (section, [r for r in rows if r.item.section_id == section.pk])
                for section in services.grouped(items)
            ],
            "reports": reports,
            "visits": Visit.objects.filter(participant=participant).prefetch_related("photos"),
            "errors": errors or [],
            "is_open": rubric.state == RubricState.OPEN,
        },
        status=status,
    )


class ScoreRow:
    """One item of a unit's sheet as the self-score and assessment pages show it."""

    def __init__(
        self,
        item: Item,
        sheet: services.Sheet,
        person_id: int,
        rubric: Rubric,
        posted: QueryDict | None,
    ):
        self.item = item
        self.outcome = sheet.outcomes[item.pk]
        self.computed = sheet.computed[item.pk]
        self.own = sheet.self_scores.get(item.pk)
        self.assessed = sheet.assessed.get(item.pk, [])
        self.mine = next((s for s in self.assessed if s.assessor_id == person_id), None)
        self.cited = (
            {int(v) for v in posted.getlist(f"visits-{item.pk}") if v.isdigit()}
            if posted is not None
            else {v.pk for v in self.mine.visits.all()}
            if self.mine
            else set()
        )
        points = self.outcome.points
        self.differs = self.own is not None and points is not None and self.own.points != points
        self.disagree = sheet.spread(item.pk) > rubric.disagreement
        # What the form shows: what was just sent when it was refused (nothing typed is
        # lost), else the score saved (the unit's own on its page, the assessor's on theirs).
        self.posted = posted

    def shown(self, saved: Decimal | None, words: str) -> tuple[str, str]:
        if self.posted is not None:
            pk = self.item.pk
            return self.posted.get(f"points-{pk}", ""), self.posted.get(f"words-{pk}", "")
        return ("" if saved is None else plain(saved)), words

    @property
    def own_input(self) -> tuple[str, str]:
        return self.shown(self.own.points, self.own.note) if self.own else self.shown(None, "")

    @property
    def assessor_input(self) -> tuple[str, str]:
        return self.shown(self.mine.points, self.mine.reason) if self.mine else self.shown(None, "")


@login_required
@require_http_methods(["GET", "POST"])
def self_score(request: AuthenticatedHttpRequest, pk: int, participant: int) -> HttpResponse:
    """The unit's self-score (自评分), item by item, with its evidence: for its liaison (and
    the office over it). Works on a phone."""
    campaign = get_campaign_for(request.user, pk)
    unit = get_participant_for(
        request.user, campaign, participant, perm="campaigns.register_liaison"
    )
    return _score_form(
        request,
        "assessment/self_score.html",
        unit,
        lambda entries: services.self_score(actor=request.user, participant=unit, entries=entries),
        _("Self-scores saved: %(n)d items."),
        "assessment:self_score",
    )


@login_required
@require_GET
def assessing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The units the person may assess, with how many items they have scored of each."""
    campaign = selectors.campaign_to_assess(request.user, pk)
    rubric = _rubric_of(campaign)
    units = services.to_assess(request.user, rubric)
    scored = dict(
        AssessedScore.objects.filter(item__section__rubric=rubric, assessor=request.user)
        .values("participant_id")
        .annotate(n=Count("pk"))
        .values_list("participant_id", "n")
    )
    return render(
        request,
        "assessment/assessing.html",
        {
            "campaign": campaign,
            "rubric": rubric,
            "units": [(u, scored.get(u.pk, 0)) for u in units],
            "items": Item.objects.filter(section__rubric=rubric).count(),
        },
    )


@login_required
@require_POST
def assessor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    form = AssessorForm(request.POST, actor=request.user, campaign=campaign)
    if not form.is_valid():
        return _rubric_page(request, campaign, assessor_form=form, status=400)
    named = services.name_assessor(
        actor=request.user,
        rubric=rubric,
        person=form.cleaned_data["account"],
        units=list(form.cleaned_data["units"]),
    )
    messages.success(request, _("%(person)s may assess.") % {"person": named.person})
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_POST
def assessor_remove(request: AuthenticatedHttpRequest, pk: int, assessor: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    found = get_object_or_404(Assessor, pk=assessor, rubric__campaign=campaign)
    services.remove_assessor(actor=request.user, assessor=found)
    messages.success(request, _("%(person)s no longer assesses.") % {"person": found.person})
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: AuthenticatedHttpRequest, pk: int, participant: int) -> HttpResponse:
    """An assessor scores one unit (考核得分), seeing its self-score, what the data gives
    and the evidence; never a unit of the assessor's own organisation."""
    campaign = selectors.campaign_to_assess(request.user, pk)
    unit = selectors.unit_to_assess(campaign, participant)
    if not services.may_assess(request.user, unit):
        raise PermissionDenied
    return _score_form(
        request,
        "assessment/assess.html",
        unit,
        lambda entries: services.assess(actor=request.user, participant=unit, entries=entries),
        _("Scores saved: %(n)d items."),
        "assessment:assess",
    )


def _score_form(
    request: AuthenticatedHttpRequest,
    template: str,
    unit: Participant,
    save: Callable[[list[Entry]], int],
    saved_message: str,
    view: str,
) -> HttpResponse:
    """The self-score or assessment page, and its form saved all or nothing."""
    rubric = _rubric_of(unit.campaign)
    if request.method != "POST":
        return _score_page(request, template, unit, rubric)
    entries, errors = _entries(request, services.items_of(rubric))
    if not errors:
        try:
            saved = save(entries)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, saved_message % {"n": saved})
            return redirect(view, pk=unit.campaign_id, participant=unit.pk)
    return _score_page(request, template, unit, rubric, errors=errors, status=400)


@login_required
@require_POST
def group_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    form = GroupForm(request.POST)
    if form.is_valid():
        group = form.save(commit=False)
        group.rubric = rubric
        group.save()
        messages.success(request, _("Group “%(name)s” added.") % {"name": group.name})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("assessment:ranking", pk=campaign.pk)


@login_required
@require_POST
def award_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    form = AwardForm(request.POST, rubric=rubric)
    if form.is_valid():
        award = form.save()
        messages.success(request, _("Award “%(title)s” added.") % {"title": award.title})
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
    return redirect("assessment:ranking", pk=campaign.pk)


def _ranked(rubric: Rubric) -> list[tuple[RankGroup, list[ranking.Place], list[ranking.Proposal]]]:
    found = ranking.standings(rubric)
    return [
        (
            group,
            places,
            [ranking.propose(a, places, list(found.sections)) for a in group.awards.all()],
        )
        for group, places in found.groups
    ]


@login_required
@require_GET
def ranking_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The ranking within each group, the points behind every rank, and each award's
    proposal (vetoed units skipped) for the office to confirm."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    return render(
        request,
        "assessment/ranking.html",
        {
            "campaign": campaign,
            "rubric": rubric,
            "sections": list(rubric.sections.all()),
            "groups": _ranked(rubric),
            "group_form": GroupForm(),
            "award_form": AwardForm(rubric=rubric),
        },
    )


@login_required
@require_POST
def award_confirm(request: AuthenticatedHttpRequest, pk: int, award: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    found = get_object_or_404(Award.objects.select_related("group"), pk=award, group__rubric=rubric)
    places = next(p for g, p, _ in _ranked(rubric) if g.pk == found.group_id)
    wanted = {int(v) for v in request.POST.getlist("unit") if v.isdigit()}
    chosen = [p.participant for p in places if p.participant.pk in wanted]
    if len(chosen) != len(wanted):
        messages.error(request, _("A unit chosen is not in this group."))
        return redirect("assessment:ranking", pk=campaign.pk)
    try:
        ranking.confirm(actor=request.user, award=found, chosen=chosen, places=places)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(title)s confirmed.") % {"title": found.title})
    return redirect("assessment:ranking", pk=campaign.pk)


@login_required
@require_POST
def rubric_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Publish a closed assessment's results (公示), with the objection period."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("assessment:rubric", pk=campaign.pk)
    try:
        publication.publish(actor=request.user, rubric=rubric, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The results are published to the units."))
    return redirect("assessment:rubric", pk=campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def result(request: AuthenticatedHttpRequest, pk: int, participant: int) -> HttpResponse:
    """A unit's published result: its points item by item and its rank (the others'
    totals when the office shows them), and its objections; for the office, corrections."""
    campaign = get_campaign_for(request.user, pk)
    unit = get_participant_for(
        request.user, campaign, participant, perm="campaigns.register_liaison"
    )
    rubric = _rubric_of(campaign)
    office = request.user.has_perm(PERM, campaign)
    made_public = publication.published(rubric)
    if rubric.state != RubricState.CLOSED or (made_public is None and not office):
        raise Http404
    error = ""
    if request.method == "POST":
        item_id = request.POST.get("item", "")
        item = (
            Item.objects.filter(pk=int(item_id), section__rubric=rubric).first()
            if item_id.isdigit()
            else None
        )
        try:
            publication.object_to(
                actor=request.user,
                participant=unit,
                item=item,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The objection is sent to the office."))
            return redirect("assessment:result", pk=campaign.pk, participant=unit.pk)
    found = ranking.standings(rubric)
    sections, sheet = found.sections, found.sheets[unit.pk]
    places = []  # (group, the unit's place, the group's ranking) of the groups it is in
    for group, ranked in found.groups:
        mine = next((p for p in ranked if p.participant.pk == unit.pk), None)
        if mine is not None:
            places.append((group, mine, ranked))
    return render(
        request,
        "assessment/result.html",
        {
            "campaign": campaign,
            "rubric": rubric,
            "participant": unit,
            "sheet": sheet,
            "sections": [
                (s, [(i, sheet.outcomes[i.pk], sheet.cited_visits(i.pk)) for i in rows])
                for s, rows in sections.items()
            ],
            "visits": Visit.objects.filter(participant=unit).prefetch_related("photos"),
            "places": places,
            "publication": made_public,
            "others": office or bool(made_public and made_public.others_totals),
            "objections": Objection.objects.filter(rubric=rubric, participant=unit).select_related(
                "item"
            ),
            "office": office,
            "error": error,
            "open_for_objections": made_public is not None
            and timezone.now() <= made_public.objections_until,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def objection_answer(request: AuthenticatedHttpRequest, pk: int, objection: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    found = get_object_or_404(Objection, pk=objection, rubric__campaign=campaign)
    try:
        publication.answer(actor=request.user, objection=found, text=request.POST.get("answer", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The answer is sent to the unit."))
    return redirect("assessment:result", pk=campaign.pk, participant=found.participant_id)


@login_required
@require_POST
def amend(request: AuthenticatedHttpRequest, pk: int, participant: int, item: int) -> HttpResponse:
    """Correct a unit's item after closing (an audited amendment, never a silent edit)."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    unit = get_participant_for(request.user, campaign, participant)
    found = get_object_or_404(Item, pk=item, section__rubric__campaign=campaign)
    raw = request.POST.get("points", "").strip()
    try:
        points = Decimal(raw)
        if not points.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        messages.error(request, _("%(item)s: write the points as a number.") % {"item": found})
        return redirect("assessment:result", pk=campaign.pk, participant=unit.pk)
    try:
        publication.amend(
            actor=request.user,
            participant=unit,
            item=found,
            points=points,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(item)s corrected.") % {"item": found})
    return redirect("assessment:result", pk=campaign.pk, participant=unit.pk)


@login_required
@require_GET
def rubric_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The rubric as an .xlsx in the office's table layout (to edit and upload again)."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    return xlsx_response(sheets.rubric_xlsx(rubric), f"{campaign.title}-考核评分标准.xlsx")


@login_required
@require_POST
def rubric_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Replace a draft rubric's rows with an .xlsx in the office's layout: every row checked
    first, nothing replaced unless all are right."""
    campaign = get_campaign_for(request.user, pk, perm=PERM)
    rubric = _rubric_of(campaign)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the .xlsx file to upload."))
    elif (upload.size or 0) > settings.IMPORT_MAX_BYTES:
        messages.error(request, _("The file is too large for a rubric."))
    else:
        try:
            count = sheets.import_rubric(rubric, upload)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rubric is replaced: %(n)d items.") % {"n": count})
    return redirect("assessment:rubric", pk=campaign.pk)


def _sees_published_result(request: AuthenticatedHttpRequest, unit: Participant) -> bool:
    """Whether the person sees the unit's published result: its liaison, the office over it."""
    return (
        request.user.has_perm("campaigns.register_liaison", unit)
        and Publication.objects.filter(
            rubric__campaign_id=unit.campaign_id, rubric__state=RubricState.CLOSED
        ).exists()
    )


def _unit_to_assess(request: AuthenticatedHttpRequest, pk: int, participant: int) -> Participant:
    unit = selectors.unit_to_assess(selectors.campaign_to_assess(request.user, pk), participant)
    if not services.may_assess(request.user, unit):
        raise PermissionDenied
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def visits(request: AuthenticatedHttpRequest, pk: int, participant: int) -> HttpResponse:
    """A unit's supervision visits (督导), and the form to record one with its photos: for
    those who may assess it. Works on a phone."""
    unit = _unit_to_assess(request, pk, participant)
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(
                actor=request.user,
                participant=unit,
                visited_on=form.cleaned_data["visited_on"],
                visitors=form.cleaned_data["visitors"],
                findings=form.cleaned_data["findings"],
                uploads=form.cleaned_data["photos"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect("assessment:visits", pk=unit.campaign_id, participant=unit.pk)
    return render(
        request,
        "assessment/visits.html",
        {
            "campaign": unit.campaign,
            "participant": unit,
            "visits": Visit.objects.filter(participant=unit).prefetch_related("photos"),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def visit_photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A visit's photo (its thumbnail with ?thumb=1), for those who may assess the unit and,
    once the result is published, for the unit (its result page shows its visits)."""
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit__participant"), pk=pk)
    unit = photo.visit.participant
    if not _sees_published_result(request, unit):
        _unit_to_assess(request, unit.campaign_id, unit.pk)
    thumb = request.GET.get("thumb") == "1" and bool(photo.thumbnail)
    response = FileResponse(
        default_storage.open(photo.thumbnail if thumb else photo.storage_name, "rb"),
        content_type="image/jpeg" if thumb else photo.content_type,
        filename=photo.original_name,
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response
