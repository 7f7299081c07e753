"""The public's pages (filing a tip, following it up; no login, rate-limited, CAPTCHA) and
the handling office's list of its tips (the identity never shown)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from anxuan.core import captcha
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.public import PublicHttpRequest, captcha_passed, public
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Person
from anxuan.orgs.rules import subtree_q
from anxuan.tips import services
from anxuan.tips.forms import FollowForm, TipForm
from anxuan.tips.models import Tip


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


@require_http_methods(["GET", "POST"])
@public("tips.file", limit=10, window=3600, captcha=False)
def file_tip(request: PublicHttpRequest) -> HttpResponse:
    """The public form. On success the receipt code and passphrase are shown this once."""
    form = TipForm(request.POST or None)
    if request.method == "POST" and _checked(request, form) and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_tip(
                place=data["place"],
                address=data["address"],
                target=data["target"],
                category=data["category"],
                description=data["description"],
                seen_on=data["seen_on"],
                name=data["name"],
                mobile=data["mobile"],
                passphrase=data["passphrase"],
                address_hash=request.address_hash,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _no_store(render(request, "tips/receipt.html", {"filed": filed}))
    status = 400 if request.method == "POST" else 200
    return _no_store(render(request, "tips/new.html", {"form": form}, status=status))


@require_http_methods(["GET", "POST"])
@public("tips.follow", limit=20, window=3600, captcha=False)
def follow_tip(request: PublicHttpRequest) -> HttpResponse:
    """The reporter's page of a tip, opened with its receipt code and passphrase."""
    form = FollowForm(request.POST or None)
    tip = None
    if request.method == "POST" and _checked(request, form) and form.is_valid():
        try:
            tip = services.follow(form.cleaned_data["receipt"], form.cleaned_data["passphrase"])
        except ValidationError as exc:
            form.add_error(None, exc)
    status = 400 if request.method == "POST" and tip is None else 200
    return _no_store(render(request, "tips/follow.html", {"form": form, "tip": tip}, status=status))


@never_cache
@require_GET
@public("tips.captcha", limit=60, window=60)
def captcha_image(request: PublicHttpRequest) -> HttpResponse:
    return HttpResponse(captcha.challenge(request), content_type="image/png")


def tips_for(person: Person) -> QuerySet[Tip]:
    """The tips handled by the offices the person works in, or below them."""
    return Tip.objects.select_related("office", "place").filter(
        subtree_q(person, OFFICE_ROLES, field="office")
    )


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("orgs.office_work"):
        raise PermissionDenied
    tips = tips_for(request.user)
    return render(request, "tips/inbox.html", {"tips": tips[:200], "count": tips.count()})


@login_required
@require_GET
def tip_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A tip for its handlers: what and where, never who (the identity stays sealed)."""
    tip = get_object_or_404(tips_for(request.user), pk=pk)
    return render(request, "tips/detail.html", {"tip": tip, "title": _("Tip")})
