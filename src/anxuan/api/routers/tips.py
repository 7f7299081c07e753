"""Hazard tips (举报) through the API: the public's intake and follow-up, without an account,
and the handling office's list, tips, steps and figures. The same forms, services, rules
and audit rows as the pages (tips.views); nothing here writes a tip itself.

Public operations take no token and no session login. Each is wrapped like the public
pages (core.public): a per-address limit counted under the day's salted hash (the tips
app forgets addresses), the same counters as the page of the same action, and an
anonymous audit row with no address hash.

- CAPTCHA: filing a tip needs the answer to the site's own CAPTCHA (core.captcha), as on
  the page: `GET /tips/captcha` draws a PNG and keeps its answer in the session, so the
  client keeps the session cookie it got and sends the answer as `captcha` with
  `POST /tips`; one try per image, ten minutes. Following a tip and the reporter's steps
  need none: they take the receipt code and passphrase every time (there is no session to
  hold the tip), a wrong pair locks the receipt after five tries (tips.services.follow)
  and the address is rate-limited, so a CAPTCHA would stop no guessing, only reporters.
- Nothing the API answers holds the reporter's name or mobile, the receipt or
  passphrase hash, the reporter key or an address; the receipt code and passphrase are
  in the answer to the filing only, with `Cache-Control: no-store`."""

import functools
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from anxuan.api.errors import ApiError, form_error, respond
from anxuan.api.pagination import Page, PageParams, paginate
from anxuan.api.schemas import (
    AcceptIn,
    AssignIn,
    CloseIn,
    DecideExtensionIn,
    ExtendIn,
    FiledOut,
    FollowIn,
    MergeIn,
    ObjectionIn,
    ReexamineIn,
    RefuseIn,
    ReporterMessageIn,
    ReporterTipOut,
    TipDetailOut,
    TipIn,
    TipMessageIn,
    TipOut,
    TipStatsOut,
    TransferIn,
)
from anxuan.core import captcha
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.public import public
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import subtree_q
from anxuan.tips import clocks, custody, handling, services, views
from anxuan.tips.enums import State
from anxuan.tips.forms import PLACE_KINDS, AssignForm, MergeForm, TipForm
from anxuan.tips.models import Tip, TipEvent
from anxuan.tips.selectors import Row, TipFigures, stats_office_for, tip_figures
from anxuan.tips.views_stats import RangeForm

router = Router(tags=["tips"])

TOO_MANY = gettext_lazy("Too many requests from your network; try again later.")
CAPTCHA_FAILED = gettext_lazy("The verification code is wrong or has expired; try again.")
NOT_OPEN = gettext_lazy("This step is not open for this tip now.")
# A ValidationError of these codes is about the tip's state or clock, not the request.
CONFLICTS = frozenset({"state", "late"})
PNG = {
    "responses": {
        200: {
            "description": "a new challenge, its answer kept in the session",
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


# ---- the public's side ------------------------------------------------------------------


def _api_shaped(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """core.public answers a flood in plain text for a person; the API in its error shape."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        if response.status_code == 429 and response["Content-Type"].startswith("text/plain"):
            retry = {"Retry-After": response["Retry-After"]}
            return respond(ApiError(429, "rate_limited", TOO_MANY, headers=retry))
        return response

    return wrapper


def public_operation(action: str, *, limit: int, window: int) -> Callable[[Any], Any]:
    """An operation anyone may call, limited and audited as the public page of `action`."""
    return decorate_view(public(action, limit=limit, window=window, captcha=False), _api_shaped)


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store"


def _captcha_answered(request: HttpRequest, given: str) -> bool:
    """core.captcha's check, for an answer sent in a JSON body rather than a form: the
    session's challenge, used up either way, within its time. A site without a CAPTCHA
    check (PUBLIC_CAPTCHA_CHECK unset) has none here either."""
    if not getattr(settings, "PUBLIC_CAPTCHA_CHECK", None):
        return True
    kept = request.session.pop(captcha.SESSION_KEY, None)
    answer = given.strip().upper()
    if not isinstance(kept, dict) or not answer or time.time() > kept.get("until", 0):
        return False
    return constant_time_compare(answer, str(kept.get("answer", "")))


@router.get("/tips/captcha", auth=None, openapi_extra=PNG)
@public_operation("tips.captcha", limit=60, window=60)
def tip_captcha(request: HttpRequest):
    """A CAPTCHA image for `POST /tips`. Keep the session cookie this answer sets: the
    answer is checked against it."""
    response = HttpResponse(captcha.challenge(request), content_type="image/png")
    _no_store(response)
    return response


@router.post("/tips", auth=None, response={201: FiledOut})
@public_operation("tips.file", limit=10, window=3600)
def file_tip(request: HttpRequest, payload: TipIn, response: HttpResponse):
    """File a tip without an account. The answer holds the receipt code and passphrase
    this once: neither is stored in clear, and only a reporter who gave a mobile can get
    new ones (the recovery page). Ten an hour from one network."""
    if not _captcha_answered(request, payload.captcha):
        failed = {"captcha": [str(CAPTCHA_FAILED)]}
        raise ApiError(400, "captcha_failed", CAPTCHA_FAILED, fields=failed)
    fields = payload.model_dump(exclude={"captcha", "place_id"}, mode="json")
    form = TipForm(as_posted({**fields, "place": payload.place_id}))
    if not form.is_valid():
        raise form_error(form, {"place": "place_id"})
    cleaned = form.cleaned_data
    filed = services.file_tip(
        **views.filed_fields(cleaned), address_hash=getattr(request, "address_hash", "")
    )
    _no_store(response)
    return Status(
        201,
        {
            "receipt": filed.receipt,
            "passphrase": filed.passphrase,
            "office": filed.tip.office,
            "state": filed.tip.state,
        },
    )


def as_posted(fields: dict[str, Any]) -> QueryDict:
    """A JSON body as the page's form would have posted it (the place cascade reads a
    list of values; an empty value is an empty string)."""
    posted = QueryDict(mutable=True)
    for name, value in fields.items():
        posted[name] = "" if value is None else str(value)
    return posted


def _followed(payload: FollowIn) -> Tip:
    """The tip of a receipt and passphrase (tips.services.follow, with its lockout)."""
    try:
        return services.follow(payload.receipt, payload.passphrase)
    except ValidationError as exc:
        message = exc.messages[0]
        if getattr(exc, "code", None) == "locked":
            retry = {"Retry-After": str(services.LOCK_SECONDS)}
            raise ApiError(429, "receipt_locked", message, headers=retry) from None
        raise ApiError(400, "receipt_wrong", message) from None


def _as_reporter(tip: Tip) -> dict[str, Any]:
    """What the reporter's page shows (tips.views._reporter_page), as data."""
    tip = Tip.objects.select_related(
        "office", "place", "merged_into__office", "merged_into__reexam_office", "reexam_office"
    ).get(pk=tip.pk)
    shown = tip.merged_into or tip
    events = tip.events.filter(to_reporter=True).select_related("office")
    return {
        "state": shown.state,
        "state_label": shown.get_state_display(),
        "merged": tip.merged_into_id is not None,
        "office": shown.office.name,
        "category": tip.category,
        "category_label": tip.get_category_display(),
        "place": tip.place.name,
        "address": tip.address,
        "target": tip.target,
        "seen_on": tip.seen_on,
        "description": tip.description,
        "received_at": tip.received_at,
        "reply": _reply(shown),
        "reexamination": _reexamination(shown),
        "may_object": shown.state == State.REPLIED
        and clocks.in_time(shown.objection_due, clocks.today()),
        "may_withdraw": tip.state in handling.REPORTER_OPEN,
        "events": [_reporter_event(e) for e in events],
    }


def _reply(tip: Tip) -> dict[str, Any] | None:
    if tip.replied_on is None:
        return None
    return {
        "conclusion": tip.conclusion,
        "findings": tip.findings,
        "decision": tip.decision,
        "reward_eligibility": tip.reward_eligibility,
        "replied_on": tip.replied_on,
        "objection_due": tip.objection_due,
    }


def _reexamination(tip: Tip) -> dict[str, Any] | None:
    if not tip.reexam_result or tip.reexam_office is None:
        return None
    return {
        "office": tip.reexam_office.name,
        "outcome": tip.reexam_outcome,
        "outcome_label": tip.get_reexam_outcome_display(),
        "result": tip.reexam_result,
        "on": tip.final_on,
    }


def _reporter_event(event: TipEvent) -> dict[str, Any]:
    from_office = event.actor_id is not None
    return {
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "from_reporter": not from_office,
        "office": event.office.name if from_office and event.office else None,
        "note": event.note,
        "at": event.at,
    }


@router.post("/tips/follow", auth=None, response=ReporterTipOut)
@public_operation("tips.follow", limit=20, window=3600)
def follow_tip(request: HttpRequest, payload: FollowIn, response: HttpResponse):
    """A tip as its reporter sees it, by its receipt code and passphrase: the state, the
    handling office, the reply's four parts once replied, what the office told the
    reporter. Five wrong passphrases lock the receipt for an hour (429 receipt_locked)."""
    tip = _followed(payload)
    _no_store(response)
    return _as_reporter(tip)


def _reporter_step(step: str, payload: FollowIn, data: dict[str, Any]) -> dict[str, Any]:
    """A step of the reporter's page (tips.views.REPORTER_STEPS) on the tip of a receipt."""
    tip = _followed(payload)
    form_class, act = views.REPORTER_STEPS[step]
    form = form_class(data)
    if not form.is_valid():
        raise form_error(form)
    try:
        act(tip, form.cleaned_data)
    except ValidationError as exc:
        raise _conflict_or_invalid(exc) from None
    return _as_reporter(tip)


@router.post("/tips/follow/message", auth=None, response=ReporterTipOut)
@public_operation("tips.reporter_step", limit=30, window=3600)
def reporter_message(request: HttpRequest, payload: ReporterMessageIn, response: HttpResponse):
    """A message from the reporter to the handling office."""
    _no_store(response)
    return _reporter_step("message", payload, {"text": payload.text})


@router.post("/tips/follow/object", auth=None, response=ReporterTipOut)
@public_operation("tips.reporter_step", limit=30, window=3600)
def reporter_objection(request: HttpRequest, payload: ObjectionIn, response: HttpResponse):
    """An objection to the reply, within the window after it (409 once it has closed):
    the level above the handling office re-examines."""
    _no_store(response)
    return _reporter_step("object", payload, {"text": payload.text})


@router.post("/tips/follow/withdraw", auth=None, response=ReporterTipOut)
@public_operation("tips.reporter_step", limit=30, window=3600)
def reporter_withdrawal(request: HttpRequest, payload: FollowIn, response: HttpResponse):
    """Withdraw a tip not yet verified (409 after): a withdrawn tip gets no reply."""
    _no_store(response)
    return _reporter_step("withdraw", payload, {})


# ---- the office's side ------------------------------------------------------------------


def _office_only(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("orgs.office_work"):
        raise PermissionDenied


def _conflict_or_invalid(exc: ValidationError) -> ApiError:
    """A service's refusal: 409 when the tip's state or clock stands in the way, else 400."""
    message = exc.messages[0]
    if getattr(exc, "code", None) in CONFLICTS:
        return ApiError(409, "state_conflict", message)
    return ApiError(400, "invalid", message)


class TipFilters(Schema):
    state: State | None = None


@router.get("/tips", response=Page[TipOut])
def list_tips(
    request: AuthenticatedHttpRequest, filters: Query[TipFilters], page: Query[PageParams]
):
    """The tips of the caller's offices and of the offices below them, newest first, each
    with the deadline it runs against and whether that is soon or past. Never who sent
    them: only whether a name was given."""
    _office_only(request)
    tips = views.tips_for(request.user)
    if filters.state:
        tips = tips.filter(state=filters.state)
    return paginate(tips, page, order="-pk")


class StatsParams(Schema):
    office: int | None = Field(None, description="empty: the caller's own top office")
    start: date | None = None
    end: date | None = None


@router.get("/tips/stats", response=TipStatsOut)
def tip_stats(request: AuthenticatedHttpRequest, params: Query[StatsParams]):
    """The figures of the statistics page (tips.selectors.tip_figures, the one source of
    them) for the jurisdiction of an office the caller works in or above: tips received
    from `start` to `end` (this calendar year by default), overdue as of today."""
    _office_only(request)
    office = stats_office_for(request.user, params.office)
    today = clocks.today()
    form = RangeForm(
        {
            "start": params.start or date(today.year, 1, 1),
            "end": params.end or date(today.year, 12, 31),
        }
    )
    if not form.is_valid():
        raise form_error(form)
    figures = tip_figures(office, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    return stats_body(figures)


def _counts(tally: Any) -> dict[str, Any]:
    return {
        "received": tally.received,
        "accepted": tally.accepted,
        "verified": tally.verified,
        "verified_rate": tally.verified_rate,
        "overdue": tally.overdue,
        "exposed": tally.exposed,
    }


def _row(row: Row) -> dict[str, Any]:
    organization = row.organization.pk if row.organization is not None else None
    return {
        "key": row.key,
        "label": row.label,
        "organization_id": organization,
        **_counts(row.tally),
    }


def stats_body(figures: TipFigures) -> dict[str, Any]:
    """The figures as the API answers them: every number of the selector, nothing else."""
    return {
        **_counts(figures.total),
        "office": figures.office,
        "start": figures.start,
        "end": figures.end,
        "on": figures.on,
        "closed": figures.closed,
        "mean_days_to_close": figures.mean_days_to_close,
        "median_days_to_close": figures.median_days_to_close,
        "rewards_proposed": figures.rewards_proposed,
        "rewards_paid": figures.rewards_paid,
        "merged": figures.merged,
        "by_category": [_row(r) for r in figures.by_category],
        "by_region": [_row(r) for r in figures.by_region],
        "by_channel": [_row(r) for r in figures.by_channel],
        "by_state": [_row(r) for r in figures.by_state],
        "by_month": [_row(r) for r in figures.by_month],
    }


@router.get("/tips/{tip_id}", response=TipDetailOut)
def get_tip(request: AuthenticatedHttpRequest, tip_id: int):
    """A tip for its handlers: what and where, never who; its history and clock, the
    steps open to the caller now, tips that look like the same matter."""
    return get_object_or_404(views.tips_for(request.user), pk=tip_id)


# Who may take a step at all (403 otherwise); whether it is open now is views.STEPS's.
MAY_TAKE: dict[str, Callable[[Person, Tip], bool]] = {
    "decide_extension": handling.is_level_above,
    "reexamine": handling.may_reexamine,
}


def _below(tip: Tip, person: Person) -> QuerySet[Organization]:
    """The offices a tip may be assigned down to, as on the page's form."""
    return Organization.objects.filter(
        subtree_q(person, OFFICE_ROLES),
        path__startswith=tip.office.path,
        kind__in=PLACE_KINDS,
        archived=False,
    ).exclude(pk=tip.office_id)


def _form(step: str, tip: Tip, person: Person, data: dict[str, Any]) -> BaseForm:
    """The page's form of the step, bound to the request's values."""
    form_class = views.STEPS[step][0]
    if form_class is AssignForm:
        return AssignForm(data, below=_below(tip, person))
    if form_class is MergeForm:
        same = [other.pk for other in handling.duplicates_of(tip)]
        return MergeForm(data, candidates=views.tips_for(person).filter(pk__in=same))
    return form_class(data)


def _step(
    request: AuthenticatedHttpRequest,
    tip_id: int,
    step: str,
    data: dict[str, Any] | None = None,
    rename: dict[str, str] | None = None,
) -> Tip:
    """Take a step of the tip's page: 404 outside the caller's tips, 403 for one the caller
    may not take, 409 when the tip's state or clock does not allow it now, 400 for the
    request's values (named by the request's fields)."""
    person = request.user
    tip = get_object_or_404(views.tips_for(person), pk=tip_id)
    _form_class, act, is_open = views.STEPS[step]
    if not MAY_TAKE.get(step, handling.may_handle)(person, tip):
        raise PermissionDenied
    if not is_open(tip, person):
        raise ApiError(409, "state_conflict", NOT_OPEN)
    form = _form(step, tip, person, data or {})
    if not form.is_valid():
        raise form_error(form, {v: k for k, v in (rename or {}).items()})
    try:
        act(tip, person, form.cleaned_data)
    except ValidationError as exc:
        raise _conflict_or_invalid(exc) from None
    return views.tips_for(person).get(pk=tip.pk)  # as it now stands


STEP_DOC = " 404 outside the caller's tips, 403 if not theirs to take, 409 if not open now."


@router.post("/tips/{tip_id}/steps/accept", response=TipDetailOut, description=STEP_DOC)
def accept_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: AcceptIn):
    """受理: the verification clock starts today. A field outside the office's remit is
    refused: transfer the tip instead."""
    tip = get_object_or_404(views.tips_for(request.user), pk=tip_id)
    return _step(request, tip_id, "accept", {"sector": payload.sector or tip.sector})


@router.post("/tips/{tip_id}/steps/refuse", response=TipDetailOut, description=STEP_DOC)
def refuse_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: RefuseIn):
    """不予受理 on a ground of the national list; the reporter reads it."""
    return _step(request, tip_id, "refuse", payload.model_dump(mode="json"))


@router.post("/tips/{tip_id}/steps/transfer", response=TipDetailOut, description=STEP_DOC)
def transfer_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: TransferIn):
    """转办 to the competent department."""
    return _step(request, tip_id, "transfer", payload.model_dump(mode="json"))


@router.post("/tips/{tip_id}/steps/assign", response=TipDetailOut, description=STEP_DOC)
def assign_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: AssignIn):
    """交办 to an office below, which then handles it."""
    data = {"office": payload.office_id, "note": payload.note}
    return _step(request, tip_id, "assign", data, {"office_id": "office"})


@router.post("/tips/{tip_id}/steps/extend", response=TipDetailOut, description=STEP_DOC)
def request_extension(request: AuthenticatedHttpRequest, tip_id: int, payload: ExtendIn):
    """Ask the level above for the one extension of verification, before the due date."""
    return _step(request, tip_id, "extend", payload.model_dump(mode="json"))


@router.post("/tips/{tip_id}/steps/decide_extension", response=TipDetailOut, description=STEP_DOC)
def decide_extension(request: AuthenticatedHttpRequest, tip_id: int, payload: DecideExtensionIn):
    """The level above approves (the due date moves; the reporter is told) or refuses."""
    data = {"approve": "1" if payload.approve else "0", "note": payload.note}
    return _step(request, tip_id, "decide_extension", data)


@router.post("/tips/{tip_id}/steps/close", response=TipDetailOut, description=STEP_DOC)
def close_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: CloseIn):
    """办结 with the reply's four parts; the reply clock starts."""
    return _step(request, tip_id, "close", payload.model_dump(mode="json"))


@router.post("/tips/{tip_id}/steps/reply", response=TipDetailOut, description=STEP_DOC)
def reply_tip(request: AuthenticatedHttpRequest, tip_id: int):
    """答复: the reporter reads the four parts; the objection window opens."""
    return _step(request, tip_id, "reply")


@router.post("/tips/{tip_id}/steps/reexamine", response=TipDetailOut, description=STEP_DOC)
def reexamine_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: ReexamineIn):
    """复查 by the level above after an objection: the outcome and its reasons."""
    return _step(request, tip_id, "reexamine", payload.model_dump(mode="json"))


@router.post("/tips/{tip_id}/steps/merge", response=TipDetailOut, description=STEP_DOC)
def merge_tip(request: AuthenticatedHttpRequest, tip_id: int, payload: MergeIn):
    """Merge into a tip of the same matter (one of `duplicate_ids`)."""
    return _step(request, tip_id, "merge", {"into": payload.into_id}, {"into_id": "into"})


@router.post("/tips/{tip_id}/steps/expose", response=TipDetailOut, description=STEP_DOC)
def expose_tip(request: AuthenticatedHttpRequest, tip_id: int):
    """Mark a verified tip for media exposure (万里行 / 曝光)."""
    return _step(request, tip_id, "expose")


@router.post("/tips/{tip_id}/steps/message", response=TipDetailOut, description=STEP_DOC)
def message_reporter(request: AuthenticatedHttpRequest, tip_id: int, payload: TipMessageIn):
    """A message to the reporter, shown on their page."""
    return _step(request, tip_id, "message", payload.model_dump(mode="json"))


class RevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500, description="why the identity is needed")


class RevealedOut(Schema):
    tip_id: int
    name: str
    mobile: str
    logged_at: str = Field(..., description="the access-log row this reveal wrote")


@router.post("/tips/{tip_id}/identity", response=RevealedOut)
def reveal_identity(
    request: AuthenticatedHttpRequest, tip_id: int, payload: RevealIn, response: HttpResponse
):
    """The custodian of the handling office reveals the reporter's name and mobile, with a
    reason; every reveal writes an access-log row (who, when, why). The only answer of the
    API that holds an identity; 403 for anyone but the custodian."""
    tip = get_object_or_404(views.tips_for(request.user), pk=tip_id)
    if not custody.is_custodian(request.user, tip.office):
        raise PermissionDenied
    try:
        revealed = custody.reveal_identity(actor=request.user, tip=tip, reason=payload.reason)
    except ValidationError as exc:
        raise _conflict_or_invalid(exc) from exc
    _no_store(response)
    return {
        "tip_id": tip.pk,
        "name": revealed.name,
        "mobile": revealed.mobile,
        "logged_at": revealed.access.at.isoformat(),
    }
