"""The reward pages: an office's reward tables and a new one (its administrator), and a
tip's reward for its handling office: the fine and decision, the proposed amount, the
notice, the claim and the payment (tips.rewards does every step)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.views import add_service_errors
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import can_manage_org, has_role_over, subtree_q
from anxuan.orgs.selectors import get_organization_for
from anxuan.tips import clocks, rewards
from anxuan.tips import reward_tables as table_rules
from anxuan.tips.enums import Category, EventKind, RewardMethod, RewardState
from anxuan.tips.forms_rewards import PaidForm, RecordForm, TableForm, rule_forms
from anxuan.tips.models import Reward, RewardRule, RewardTable, Tip

# An office's reward tables ----------------------------------------------------------------


def _office_for(person: Person, pk: int, *, manage: bool) -> Organization:
    """The office whose tables the person may read (its office staff and administrators,
    and those above), or save (its administrators): 404 when not visible, else 403."""
    office = get_organization_for(person, pk)
    allowed = (
        can_manage_org(person, office) if manage else has_role_over(person, office, OFFICE_ROLES)
    )
    if not allowed:
        raise PermissionDenied
    return office


@login_required
@require_GET
def reward_tables(request: AuthenticatedHttpRequest, office: int) -> HttpResponse:
    """The office's reward tables, newest first, and the one its tips are accepted under
    now (its own newest, else one from above, else the national defaults)."""
    org = _office_for(request.user, office, manage=False)
    tables = list(
        RewardTable.objects.filter(office=org)
        .select_related("office", "created_by")
        .prefetch_related(Prefetch("rules", queryset=RewardRule.objects.order_by("id")))
    )
    in_force = table_rules.table_in_force(org)
    rows = [
        (
            table,
            [
                (rule, table_rules.describe_rule(rule))
                for rule in table_rules.rules_of(table).values()
            ],
        )
        for table in tables
    ]
    inherited = None
    if in_force is None or in_force.office_id != org.pk:
        inherited = [
            (rule, table_rules.describe_rule(rule))
            for rule in table_rules.rules_of(in_force).values()
        ]
    return render(
        request,
        "tips/reward_tables.html",
        {
            "office": org,
            "rows": rows,
            "in_force": in_force,
            "in_force_name": table_rules.table_name(in_force),
            "inherited": inherited,
            "may_edit": can_manage_org(request.user, org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reward_table_new(request: AuthenticatedHttpRequest, office: int) -> HttpResponse:
    """A new reward table of the office, prefilled from the one in force; saved, it applies
    to tips accepted from then on."""
    org = _office_for(request.user, office, manage=True)
    current = table_rules.table_in_force(org)
    data = request.POST if request.method == "POST" else None
    table_form = TableForm(
        data,
        initial={
            "first_reporter_only": current.first_reporter_only if current else True,
            "note": current.note if current else "",
        },
    )
    forms = rule_forms(data, table=current)
    valid = [table_form.is_valid(), *(f.is_valid() for f in forms)]  # every form's errors
    if data is not None and all(valid):
        try:
            table_rules.save_table(
                actor=request.user,
                office=org,
                rules={f.category: f.cleaned_data for f in forms},
                first_reporter_only=table_form.cleaned_data["first_reporter_only"],
                note=table_form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(table_form, exc)
        else:
            messages.success(
                request, _("The reward table is saved. Tips accepted from now on follow it.")
            )
            return redirect("tips:reward_tables", office=org.pk)
    return render(
        request,
        "tips/reward_table_form.html",
        {
            "office": org,
            "table_form": table_form,
            "forms": forms,
            "current_name": table_rules.table_name(current),
        },
        status=400 if data is not None else 200,
    )


# A tip's reward -------------------------------------------------------------------------


def _tip_for(person: Person, pk: int) -> Tip:
    """A tip whose handling office (or one above it) the person works in: 404 otherwise."""
    tip = get_object_or_404(
        Tip.objects.select_related("office", "place", "reward_table__office").filter(
            subtree_q(person, OFFICE_ROLES, field="office")
        ),
        pk=pk,
    )
    if not has_role_over(person, tip.office, OFFICE_ROLES):
        raise PermissionDenied
    return tip


def _reward_of(tip: Tip) -> Reward | None:
    return Reward.objects.select_related("recorded_by").filter(tip=tip).first()


def _per_death(tip: Tip, rule: RewardRule) -> bool:
    return rule.method == RewardMethod.PER_DEATH or tip.category == Category.CONCEALED_ACCIDENT


def _reward_page(
    request: AuthenticatedHttpRequest,
    tip: Tip,
    *,
    record_form: RecordForm | None = None,
    paid_form: PaidForm | None = None,
    status: int = 200,
) -> HttpResponse:
    reward = _reward_of(tip)
    rule = table_rules.rules_of(tip.reward_table)[tip.category]
    verified = rewards.verified(tip)
    changeable = reward is None or reward.state in rewards.CHANGEABLE_STATES
    context: dict[str, Any] = {
        "tip": tip,
        "reward": reward,
        "table_name": table_rules.table_name(tip.reward_table),
        "rule_text": table_rules.describe_rule(rule),
        "verified": verified,
        "events": tip.events.filter(kind=EventKind.REWARD).select_related("actor"),
        "record_form": None,
        "paid_form": None,
        "may_notify": reward is not None and reward.state == RewardState.PROPOSED,
        "may_record_claim": reward is not None
        and reward.state == RewardState.NOTIFIED
        and clocks.in_time(reward.claim_due, clocks.today()),
    }
    if verified and changeable:
        context["record_form"] = record_form or RecordForm(
            instance=reward, per_death=_per_death(tip, rule)
        )
    if reward is not None and reward.state == RewardState.CLAIMED:
        context["paid_form"] = paid_form or PaidForm(
            initial={"amount": reward.proposed, "paid_on": clocks.today()}
        )
    return render(request, "tips/reward_tip.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tip_reward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A tip's reward; a POST records the fine and decision and proposes the amount."""
    tip = _tip_for(request.user, pk)
    if request.method != "POST":
        return _reward_page(request, tip)
    rule = table_rules.rules_of(tip.reward_table)[tip.category]
    form = RecordForm(request.POST, per_death=_per_death(tip, rule))
    if form.is_valid():
        data = form.cleaned_data
        try:
            reward = rewards.record_reward(
                actor=request.user,
                tip=tip,
                fine=data["fine"],
                penalty_decision=data["penalty_decision"],
                accident_grade=data.get("accident_grade") or "",
                deaths=data.get("deaths"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The reward is recorded: %(state)s.") % {"state": reward.get_state_display()},
            )
            return redirect("tips:tip_reward", pk=tip.pk)
    return _reward_page(request, tip, record_form=form, status=400)


def _step_failed(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def reward_notice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Issue the reward notice: the reporter sees the amount and the claim deadline."""
    tip = _tip_for(request.user, pk)
    reward = get_object_or_404(Reward, tip=tip)
    try:
        reward = rewards.issue_notice(actor=request.user, reward=reward)
    except ValidationError as exc:
        _step_failed(request, exc)
    else:
        messages.success(
            request,
            _("The reward notice is issued; it is to be claimed by %(due)s.")
            % {"due": date_format(reward.claim_due, "Y-m-d") if reward.claim_due else "—"},
        )
    return redirect("tips:tip_reward", pk=tip.pk)


@login_required
@require_POST
def reward_claimed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reporter claimed the reward in person at the office."""
    tip = _tip_for(request.user, pk)
    try:
        rewards.claim(tip, actor=request.user)
    except ValidationError as exc:
        _step_failed(request, exc)
    else:
        messages.success(request, _("The claim is recorded."))
    return redirect("tips:tip_reward", pk=tip.pk)


@login_required
@require_POST
def reward_paid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The claimed reward was paid."""
    tip = _tip_for(request.user, pk)
    reward = get_object_or_404(Reward, tip=tip)
    form = PaidForm(request.POST)
    if form.is_valid():
        try:
            rewards.mark_paid(
                reward, form.cleaned_data["amount"], form.cleaned_data["paid_on"], request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("tips:tip_reward", pk=tip.pk)
    return _reward_page(request, tip, paid_form=form, status=400)
