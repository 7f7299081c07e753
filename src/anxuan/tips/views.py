"""The public's pages (filing a tip, following it up; no login, rate-limited, CAPTCHA) and
the handling office's list of its tips (the identity never shown)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxuan.core import audit, captcha, ratelimit, sms
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.public import PublicHttpRequest, captcha_passed, public, salted_address
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import own_org_ids, subtree_q
from anxuan.tips import clocks, custody, handling, recovery, rewards, services
from anxuan.tips.enums import EventKind, Extension, RewardState, State
from anxuan.tips.forms import (
    PLACE_KINDS,
    AcceptForm,
    AssignForm,
    CloseForm,
    DecideExtensionForm,
    EntryForm,
    EvidenceForm,
    ExtensionForm,
    FollowForm,
    MergeForm,
    MessageForm,
    ObjectionForm,
    RecoverCodeForm,
    RecoverForm,
    ReexamineForm,
    RefuseForm,
    RulesForm,
    TipForm,
    TransferForm,
    place_children,
    places,
)
from anxuan.tips.models import Reward, Tip, TipEvent, TipRules


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page holding a receipt or a tip is never kept by a browser or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


def _checked(request: PublicHttpRequest, form: BaseForm) -> bool:
    """The CAPTCHA of a POST; when it fails, the form says so and keeps what was typed."""
    if captcha_passed(request):
        return True
    form.is_valid()  # the other fields' errors too, at once
    form.add_error(None, _("The verification code is wrong or has expired; try again."))
    return False


# What the tip forms give services.file_tip (the staff form adds the channel and field).
FILED_FIELDS = (
    "place", "address", "target", "category", "description", "seen_on", "name", "mobile",
    "passphrase", "channel", "sector",
)  # fmt: skip


def filed_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned data of a tip form as services.file_tip's arguments (also the API's)."""
    return {k: data[k] for k in FILED_FIELDS if k in data} | {"uploads": data["evidence"]}


@require_http_methods(["GET", "POST"])
@public("tips.file", limit=10, window=3600, captcha=False, counted=("POST",))
def file_tip(request: PublicHttpRequest) -> HttpResponse:
    """The public form. On success the receipt code and passphrase are shown this once."""
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _checked(request, form) and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_tip(**filed_fields(data), address_hash=request.address_hash)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _no_store(render(request, "tips/receipt.html", {"filed": filed}))
    status = 400 if request.method == "POST" else 200
    return _no_store(render(request, "tips/new.html", {"form": form}, status=status))


def _reporter_page(
    request: HttpRequest, tip: Tip, status: int = 200, **failed: BaseForm
) -> HttpResponse:
    """The reporter's page: the state, the reply, what the office told them, their messages,
    and the steps open to them now."""
    shown = tip.merged_into or tip  # a merged tip is followed through the matter's tip
    context = {
        "tip": tip,
        "shown": shown,
        "events": TipEvent.objects.filter(
            Q(tip=tip) | Q(tip=shown, kind__in=MATTER_EVENTS), to_reporter=True
        ).select_related("office"),
        "message_form": failed.get("message") or MessageForm(),
        "objection_form": failed.get("object") or ObjectionForm(),
        "evidence_form": failed.get("evidence") or EvidenceForm(),
        "may_object": shown.state == State.REPLIED
        and clocks.in_time(shown.objection_due, clocks.today()),
        "may_withdraw": tip.state in handling.REPORTER_OPEN,
        "reward": Reward.objects.filter(tip=tip, state__in=TOLD_STATES).first(),
        "claim_errors": failed["claim"].non_field_errors() if "claim" in failed else [],
    }
    return _no_store(render(request, "tips/follow.html", context, status=status))


@require_http_methods(["GET", "POST"])
@public("tips.follow", limit=20, window=3600, captcha=False, counted=("POST",))
def follow_tip(request: PublicHttpRequest) -> HttpResponse:
    """The reporter's page of a tip, opened with its receipt code and passphrase; the
    session then holds the tip for a while (services.FOLLOW_SECONDS), for the steps."""
    form = FollowForm(request.POST or None)
    if request.method == "GET":
        tip = services.followed(request)
        if tip is not None:
            return _reporter_page(request, tip)
    elif _checked(request, form) and form.is_valid():
        try:
            tip = services.follow(form.cleaned_data["receipt"], form.cleaned_data["passphrase"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            services.remember_follower(request, tip)
            return _reporter_page(request, tip)
    status = 400 if request.method == "POST" else 200
    return _no_store(render(request, "tips/follow.html", {"form": form}, status=status))


RECOVERING = "tips.recovering"
# What the reporter of a merged tip reads of the matter's tip (not its reporter's own
# messages, objection or reward).
MATTER_EVENTS = (
    EventKind.ACCEPTED,
    EventKind.REFUSED,
    EventKind.TRANSFERRED,
    EventKind.EXTENSION_APPROVED,
    EventKind.REPLIED,
    EventKind.REEXAMINED,
)
# The reward states a reporter is told of: a notice issued, claimed, paid, lapsed.
TOLD_STATES = (RewardState.NOTIFIED, RewardState.CLAIMED, RewardState.PAID, RewardState.LAPSED)


@require_http_methods(["GET", "POST"])
@public("tips.recover", limit=10, window=3600, captcha=False, counted=("POST",))
def recover_receipt(request: PublicHttpRequest) -> HttpResponse:
    """A lost receipt: the mobile given with the tip, a code by text message, then new
    receipt codes shown once (tips.recovery)."""
    key = request.session.get(RECOVERING, "")
    form: BaseForm = (
        RecoverCodeForm(request.POST or None) if key else RecoverForm(request.POST or None)
    )
    if request.method == "POST" and "restart" in request.POST:
        request.session.pop(RECOVERING, None)
        return redirect("tips:recover")
    if request.method == "POST" and _checked(request, form) and form.is_valid():
        try:
            if key:
                renewed = recovery.finish(key, form.cleaned_data["code"])
            else:
                request.session[RECOVERING] = recovery.start(form.cleaned_data["mobile"])
                return redirect("tips:recover")
        except ValidationError as exc:
            form.add_error(None, exc)
            if exc.code == "expired":
                request.session.pop(RECOVERING, None)
        else:
            request.session.pop(RECOVERING, None)
            return _no_store(render(request, "tips/recovered.html", {"renewed": renewed}))
    context = {"form": form, "waiting": bool(key), "available": sms.configured()}
    status = 400 if request.method == "POST" else 200
    return _no_store(render(request, "tips/recover.html", context, status=status))


REPORTER_STEPS: dict[str, tuple[type[BaseForm], Callable[[Tip, dict[str, Any]], object]]] = {
    "message": (MessageForm, lambda tip, data: handling.message(tip, data["text"])),
    "object": (
        ObjectionForm,
        lambda tip, data: handling.object_to(tip.merged_into or tip, text=data["text"]),
    ),
    "withdraw": (forms.Form, lambda tip, data: handling.withdraw(tip)),
    "claim": (forms.Form, lambda tip, data: rewards.claim(tip)),
    "evidence": (
        EvidenceForm,
        lambda tip, data: handling.add_evidence(tip, data["evidence"], data["note"]),
    ),
}


@require_POST
@public("tips.reporter_step", limit=30, window=3600, captcha=False)
def reporter_step(request: PublicHttpRequest, step: str) -> HttpResponse:
    """A step the reporter takes on the tip their session follows (REPORTER_STEPS): a
    message, an objection, withdrawing it, adding evidence, claiming a reward."""
    tip = services.followed(request)
    if tip is None or step not in REPORTER_STEPS:
        return _no_store(
            render(
                request,
                "tips/follow.html",
                {"form": FollowForm(), "expired": True},
                status=403 if tip is None else 404,
            )
        )
    form_class, act = REPORTER_STEPS[step]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(tip, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            services.remember_follower(request, tip)
            return redirect("tips:follow_tip")
    return _reporter_page(request, tip, status=400, **{step: form})


@require_GET
def place_levels(request: HttpRequest) -> HttpResponse:
    """The regions right below `parent` (the top ones without it), for the place cascade
    of the tip forms: public, read-only, rate-limited, no audit row (nothing happens)."""
    wait = ratelimit.over_limit(request, group="public:tips.places", key=salted_address, limit=120)
    if wait:
        return ratelimit.too_many_requests(wait)
    parent_id = request.GET.get("parent", "")
    parent = places().filter(pk=parent_id).first() if parent_id.isdigit() else None
    if parent_id and parent is None:
        raise Http404
    found = [{"id": o.pk, "name": o.name} for o in place_children(parent)]
    response = JsonResponse({"places": found})
    response["Cache-Control"] = "public, max-age=300"
    return response


@never_cache
@require_GET
@public("tips.captcha", limit=60, window=60)
def captcha_image(request: PublicHttpRequest) -> HttpResponse:
    return HttpResponse(captcha.challenge(request), content_type="image/png")


def tips_for(person: Person) -> QuerySet[Tip]:
    """The tips handled by the offices the person works in, or below them."""
    return Tip.objects.select_related("office", "place", "reexam_office", "merged_into").filter(
        subtree_q(person, OFFICE_ROLES, field="office")
    )


def _office_only(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("orgs.office_work"):
        raise PermissionDenied


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's tips, newest first, with the clock each runs against: overdue and soon
    due ones marked, those waiting for this office as the level above listed first."""
    _office_only(request)
    tips = tips_for(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        tips = tips.filter(state=state)
    rows = [(tip, clocks.running_due(tip), _urgency(tip)) for tip in tips[:200]]
    waiting = [
        tip
        for tip in tips_for(request.user).filter(
            Q(extension=Extension.REQUESTED, state=State.VERIFYING) | Q(state=State.OBJECTED)
        )[:100]
        if handling.is_level_above(request.user, tip) or handling.may_reexamine(request.user, tip)
    ]
    context = {
        "offices": Organization.objects.filter(pk__in=own_org_ids(request.user, OFFICE_ROLES)),
        "rows": rows,
        "count": tips.count(),
        "waiting": waiting,
        "states": State.choices,
        "state": state,
    }
    return render(request, "tips/inbox.html", context)


def _urgency(tip: Tip) -> str:
    return clocks.urgency(tip, clocks.rules_for(tip.office))


@login_required
@require_http_methods(["GET", "POST"])
def enter_tip(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A tip taken by phone (12350), letter or visit, entered by office staff, who read
    the receipt code and passphrase back to the caller."""
    _office_only(request)
    form = EntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_tip(**filed_fields(data), entered_by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context = {"filed": filed, "entered": True}
            return _no_store(render(request, "tips/receipt.html", context))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": _("Enter a tip from the hotline, a letter or a visit")}
    return _no_store(render(request, "tips/enter.html", context, status=status))


Form = type[BaseForm]
Act = Callable[[Tip, Person, dict[str, Any]], object]


def _below(tip: Tip, person: Person) -> QuerySet[Organization]:
    return Organization.objects.filter(
        subtree_q(person, OFFICE_ROLES),
        path__startswith=tip.office.path,
        kind__in=PLACE_KINDS,
        archived=False,
    ).exclude(pk=tip.office_id)


def _candidates(tip: Tip, person: Person) -> QuerySet[Tip]:
    return tips_for(person).filter(pk__in=[t.pk for t in handling.duplicates_of(tip)])


# What a handler can do from the tip's page: step → (form, the service, when it is open).
STEPS: dict[str, tuple[Form, Act, Callable[[Tip, Person], bool]]] = {
    "accept": (
        AcceptForm,
        lambda tip, who, d: handling.accept(tip, who, sector=d["sector"]),
        lambda tip, who: tip.state == State.RECEIVED and handling.may_handle(who, tip),
    ),
    "refuse": (
        RefuseForm,
        lambda tip, who, d: handling.refuse(tip, who, ground=d["ground"], note=d["note"]),
        lambda tip, who: tip.state == State.RECEIVED and handling.may_handle(who, tip),
    ),
    "transfer": (
        TransferForm,
        lambda tip, who, d: handling.transfer(tip, who, department=d["department"], note=d["note"]),
        lambda tip, who: tip.state == State.RECEIVED and handling.may_handle(who, tip),
    ),
    "assign": (
        AssignForm,
        lambda tip, who, d: handling.assign(tip, who, office=d["office"], note=d["note"]),
        lambda tip, who: tip.state == State.RECEIVED and _below(tip, who).exists(),
    ),
    "merge": (
        MergeForm,
        lambda tip, who, d: handling.merge(tip, who, into=d["into"]),
        lambda tip, who: tip.state in handling.REPORTER_OPEN and _candidates(tip, who).exists(),
    ),
    "extend": (
        ExtensionForm,
        lambda tip, who, d: handling.request_extension(
            tip, who, days=d["days"], reason=d["reason"]
        ),
        lambda tip, who: (
            tip.state == State.VERIFYING and not tip.extension and handling.may_handle(who, tip)
        ),
    ),
    "decide_extension": (
        DecideExtensionForm,
        lambda tip, who, d: handling.decide_extension(
            tip, who, approve=d["approve"], note=d["note"]
        ),
        lambda tip, who: (
            tip.extension == Extension.REQUESTED
            and tip.state == State.VERIFYING
            and handling.is_level_above(who, tip)
        ),
    ),
    "close": (
        CloseForm,
        lambda tip, who, d: handling.close(tip, who, **d),
        lambda tip, who: tip.state == State.VERIFYING and handling.may_handle(who, tip),
    ),
    "reply": (
        forms.Form,
        lambda tip, who, d: handling.reply(tip, who),
        lambda tip, who: tip.state == State.CLOSED and handling.may_handle(who, tip),
    ),
    "reexamine": (
        ReexamineForm,
        lambda tip, who, d: handling.reexamine(tip, who, outcome=d["outcome"], result=d["result"]),
        lambda tip, who: tip.state == State.OBJECTED and handling.may_reexamine(who, tip),
    ),
    "expose": (
        forms.Form,
        lambda tip, who, d: handling.expose(tip, who),
        lambda tip, who: (
            tip.state in handling.VERIFIED and not tip.exposed and handling.may_handle(who, tip)
        ),
    ),
    "message": (
        MessageForm,
        lambda tip, who, d: handling.message(tip, d["text"], who),
        lambda tip, who: tip.state != State.MERGED and handling.may_handle(who, tip),
    ),
}


def _step_form(step: str, tip: Tip, person: Person, data: Any = None) -> BaseForm:
    form_class = STEPS[step][0]
    initial: dict[str, Any] = {}
    kwargs: dict[str, Any] = {"prefix": step}
    if form_class is AssignForm:
        kwargs["below"] = _below(tip, person)
    elif form_class is MergeForm:
        kwargs["candidates"] = _candidates(tip, person)
    elif form_class is AcceptForm:
        initial["sector"] = tip.sector
    elif form_class is TransferForm:
        initial["department"] = handling.remit_of(tip)[1]
    return form_class(data, initial=initial, **kwargs)


def _tip_page(
    request: AuthenticatedHttpRequest, tip: Tip, failed: tuple[str, BaseForm] | None = None
) -> HttpResponse:
    person = request.user
    steps = [
        (step, failed[1] if failed and failed[0] == step else _step_form(step, tip, person))
        for step, (_form, _act, is_open) in STEPS.items()
        if is_open(tip, person)
    ]
    handled, department = handling.remit_of(tip)
    context = {
        "tip": tip,
        "title": _("Tip"),
        "steps": steps,
        "events": tip.events.select_related("actor", "office"),
        "due": clocks.running_due(tip),
        "urgency": _urgency(tip),
        "outside_remit": department if not handled else "",
        "duplicates": handling.duplicates_of(tip) if tip.state in handling.REPORTER_OPEN else [],
    }
    return render(request, "tips/detail.html", context, status=400 if failed else 200)


@login_required
@require_GET
def tip_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A tip for its handlers: what and where, never who (the identity stays sealed), its
    history and clock, and the steps open to this person now."""
    tip = get_object_or_404(tips_for(request.user), pk=pk)
    return _tip_page(request, tip)


@login_required
@require_POST
def tip_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    tip = get_object_or_404(tips_for(request.user), pk=pk)
    if step not in STEPS:
        raise Http404
    form = _step_form(step, tip, request.user, request.POST)
    if not STEPS[step][2](tip, request.user):
        if not handling.may_handle(request.user, tip):
            raise PermissionDenied
        form.add_error(None, _("This step is not open for this tip now."))
    elif form.is_valid():
        try:
            STEPS[step][1](tip, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("tips:tip_detail", pk=tip.pk)
    return _tip_page(request, tip, (step, form))


@login_required
@require_http_methods(["GET", "POST"])
def tip_rules(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """An office's rules for tips (clocks, remit, departments), set by its administrator;
    until then it follows the nearest office above with rules, or the national ones."""
    office = get_object_or_404(
        Organization.objects.filter(subtree_q(request.user, OFFICE_ROLES)), pk=org_pk
    )
    if not custody.may_name_custodian(request.user, office):  # the office's own admin
        raise PermissionDenied
    in_force = clocks.rules_for(office)
    own = in_force if in_force.office_id == office.pk and in_force.pk else None
    instance = own or TipRules(
        office=office,
        **{f: getattr(in_force, f) for f in RulesForm.Meta.fields},
        departments=in_force.departments,
    )
    form = RulesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        before = audit.snapshot(instance) if own else None
        saved = form.save()
        audit.record(
            actor=request.user,
            action="tips.rules",
            target=saved,
            summary=str(office),
            changes=audit.changes(before, saved) if before else None,
        )
        messages.success(request, _("Saved."))
        return redirect("tips:rules", org_pk=office.pk)
    context = {
        "office": office,
        "form": form,
        "inherited": None if own else (in_force.office if in_force.pk else None),
        "title": _("Rules for tips"),
    }
    return render(request, "tips/rules.html", context, status=400 if form.errors else 200)
