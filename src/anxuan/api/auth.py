"""Who is calling: a personal token (`Authorization: Bearer ax_…`) or the pages' own
session with its CSRF token; and how often they may call."""

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja.security import HttpBearer, SessionAuth

from anxuan.api import selectors, services
from anxuan.api.errors import ApiError, respond
from anxuan.core import ratelimit

WINDOW = 60  # seconds: limits are per minute


class TokenAuth(HttpBearer):
    """A personal API token that is neither revoked nor expired. Anything else is 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.active_token(token.strip()) if token else None
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


def _caller(request: HttpRequest) -> tuple[str, int]:
    """The rate-limit bucket of a request and its limit per minute: the token (by hash, before
    any database lookup), the logged-in person, or the address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        digest = hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
        return f"token:{digest}", settings.API_RATE_PER_MINUTE
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"person:{user.pk}", settings.API_RATE_PER_MINUTE
    return f"ip:{ratelimit.client_address(request)}", settings.API_ANON_RATE_PER_MINUTE


def rate_limited(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps every operation, before authentication: a fixed one-minute window per caller,
    counted in the cache (shared between workers when the cache is Redis)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        bucket, limit = _caller(request)
        counted = ratelimit.hit(bucket, limit=limit, window=WINDOW, prefix="api-rate")
        if not counted.allowed:
            error = ApiError(
                429,
                "rate_limited",
                gettext_lazy("Too many requests; try again in a minute."),
                headers={"Retry-After": str(counted.retry_after)},
            )
            return respond(error)
        return run(request, *args, **kwargs)

    return wrapper
