"""Who is calling: a personal token (`Authorization: Bearer ax_…`) or the pages' own
session with its CSRF token; and how often they may call."""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja.security import HttpBearer, SessionAuth

from anxuan.api import selectors, services
from anxuan.api.errors import ApiError, respond
from anxuan.api.models import ApiToken
from anxuan.core import public, ratelimit


def checked_token(request: HttpRequest, raw: str) -> ApiToken | None:
    """The active token with this raw value, looked up once per request (the rate limit
    asks before authentication does)."""
    memo: dict[str, ApiToken | None] = request.__dict__.setdefault("_checked_tokens", {})
    if raw not in memo:
        memo[raw] = selectors.active_token(raw) if raw else None
    return memo[raw]


class TokenAuth(HttpBearer):
    """A personal API token that is neither revoked nor expired. Anything else is 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = checked_token(request, token.strip())
        if found is None:
            return None
        services.mark_token_used(found)
        request.user = found.person  # views and rules read request.user, as on the pages
        request.api_token = found  # type: ignore[attr-defined]
        return found.person


class PageSession(SessionAuth):
    """Ninja's session auth with its CSRF check, for the pages' own htmx calls. Unlike
    Ninja's, it passes on to "401" when nobody is logged in, before checking CSRF: a caller
    without a session is unauthenticated, not forbidden."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


def _caller(request: HttpRequest) -> tuple[str | ratelimit.Key, int]:
    """The rate-limit key of a request and its limit per minute: the person of a valid token
    or of the session, else the address (salted). A token that is not valid counts as none,
    so made-up tokens share their address's limit."""
    header = request.headers.get("Authorization", "")
    found = checked_token(request, header[7:].strip()) if header[:7].lower() == "bearer " else None
    user = found.person if found is not None else getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        bucket = f"person:{user.pk}"
        return (lambda _group, _request: bucket), settings.API_RATE_PER_MINUTE
    # Anyone else may be the reporter of a hazard (the public tip operations): counted
    # under the day's salted hash of the address, never a plain hash of it (core.public).
    return public.salted_address, settings.API_ANON_RATE_PER_MINUTE


def _too_many(retry_after: int) -> HttpResponse:
    return respond(
        ApiError(
            429,
            "rate_limited",
            gettext_lazy("Too many requests; try again in a minute."),
            headers={"Retry-After": str(retry_after)},
        )
    )


def rate_limited(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps every operation, before authentication: a one-minute window per caller,
    counted in the shared cache (core.ratelimit)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key, limit = _caller(request)
        wait = ratelimit.over_limit(request, group="api", key=key, limit=limit)
        if wait:
            return _too_many(wait)
        return run(request, *args, **kwargs)

    return wrapper


def rate_limited_by_address(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its Swagger page: API_ANON_RATE_PER_MINUTE per address, whoever calls."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = ratelimit.over_limit(
            request, group="api-schema", limit=settings.API_ANON_RATE_PER_MINUTE
        )
        if wait:
            return _too_many(wait)
        return run(request, *args, **kwargs)

    return wrapper
