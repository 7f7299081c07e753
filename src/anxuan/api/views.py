"""The person's API tokens: list, make one (shown once), revoke. And the API's JSON 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxuan.api import selectors, services
from anxuan.api.errors import ApiError, respond
from anxuan.api.forms import TokenForm
from anxuan.core.views import add_service_errors


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's tokens and a form for a new one; the new token is shown once."""
    form = TokenForm(request.POST or None)
    if form.is_valid():
        try:
            token, raw = services.create_token(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "api/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(request.user)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.get_token_for(request.user, pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("“%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:api_tokens")


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """No such API address: the API's error shape rather than the site's 404 page."""
    return respond(ApiError(404, "not_found"))
