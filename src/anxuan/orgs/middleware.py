"""Sessions of people logged in on the pages (等保 2.0 basics): an idle timeout, the change of
an initial password before anything else, and no copies of their pages in any cache."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

LAST_SEEN = "last_seen"  # session key: seconds since the epoch of the latest request
LAST_SEEN_STEP = 60  # seconds: how stale LAST_SEEN may get before it is written again

Handler = Callable[[HttpRequest], HttpResponse]


class IdleTimeoutMiddleware:
    """Log a session out after SESSION_IDLE_MINUTES without a request; the login page then
    says why. Writes the session at most once a minute for this."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = int(time.time())
        if request.user.is_authenticated:
            seen = request.session.get(LAST_SEEN)
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(n)d minutes without activity.")
                    % {"n": settings.SESSION_IDLE_MINUTES},
                )
            elif seen is None or now - seen >= LAST_SEEN_STEP:
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        session = request.session
        if SESSION_KEY in session and LAST_SEEN not in session:
            session[LAST_SEEN] = now  # the login itself starts the clock (not an API token)
        return response


class PasswordChangeRequiredMiddleware:
    """Someone given an initial password (Person.must_change_password) sees only the
    change-password page until they have chosen their own. API calls are left to the API's
    own authentication."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith("/api/")
            and request.path
            not in {reverse("orgs:password_change"), reverse("logout"), reverse("set_language")}
        ):
            return redirect("orgs:password_change")
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to someone logged in (by session or API
    token): a shared machine's browser or a proxy keeps no copy. Static files are answered
    by WhiteNoise before this."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response
