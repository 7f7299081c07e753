"""The pattern for pages and endpoints anyone may call without logging in (a hazard tip, a
receipt look-up, a quiz): per-address rate limit, optional CAPTCHA, an anonymous audit row.

    @public("tips.submit", limit=5, window=3600)
    def submit_tip(request: PublicHttpRequest) -> HttpResponse: ...

The caller's address is only ever kept as `address_hash(...)` (HMAC-SHA256 with the
SECRET_KEY): enough to tell calls from one address apart, not to recover it. An app whose
callers must leave no trace at all (a reporter of a hazard) calls `forget_addresses` with
its actions' prefix: their audit rows then hold no address hash, and the rate limit counts
an HMAC of the address under a random salt that lives at most SALT_SECONDS in the shared
cache, so once the salt is gone nothing stored leads back to an address."""

import functools
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable
from typing import Concatenate, ParamSpec, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from anxuan.core import audit, ratelimit

P = ParamSpec("P")


class PublicHttpRequest(HttpRequest):
    """A request that passed the `public` checks: `address_hash` is set (empty for an
    action under `forget_addresses`)."""

    address_hash: str


View = Callable[Concatenate[PublicHttpRequest, P], HttpResponse]
Wrapped = Callable[Concatenate[HttpRequest, P], HttpResponse]


def address_hash(address: str) -> str:
    """HMAC-SHA256 (hex) of a client address, keyed with the SECRET_KEY."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


# The salt of forgetful actions' rate-limit keys. With the purge of expired cache entries
# (ratelimit.purge_expired, every quarter hour in the tips worker) nothing of it is left 24
# hours after it was made; the counts it keys live one window (an hour for tips).
SALT_KEY = "public:address-salt"
SALT_SECONDS = 23 * 3600
_forgetful: set[str] = set()


def forget_addresses(prefix: str) -> None:
    """Keep no address hash for the actions starting with `prefix` ("tips."): no audit row
    holds one, the view gets an empty `address_hash`, and the rate limit counts a salted
    hash (`salted_address`). Call it from an AppConfig.ready()."""
    _forgetful.add(prefix)


def forgets_address(action: str) -> bool:
    return any(action.startswith(prefix) for prefix in _forgetful)


def address_salt() -> str:
    """The random salt of the day (made by whichever worker asks first, kept in the cache
    every worker shares for SALT_SECONDS): a new one makes new keys, so a rate-limit window
    that spans the change starts again, which is all it costs."""
    salt = cache.get(SALT_KEY)
    if isinstance(salt, str):
        return salt
    cache.add(SALT_KEY, secrets.token_hex(32), SALT_SECONDS)  # of two workers, one wins
    salt = cache.get(SALT_KEY)
    if not isinstance(salt, str):  # evicted between the two calls
        salt = secrets.token_hex(32)
        cache.set(SALT_KEY, salt, SALT_SECONDS)
    return salt


def salted_address(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key of a forgetful action: HMAC-SHA256 of the caller's address
    (an IPv6 one by its /64, as ratelimit's "ip" key) under the current salt."""
    address = ratelimit.client_address(request)
    if ":" in address:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    network = str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)
    return hmac.new(address_salt().encode(), network.encode(), hashlib.sha256).hexdigest()


def captcha_passed(request: HttpRequest) -> bool:
    """The site's CAPTCHA check: settings.PUBLIC_CAPTCHA_CHECK is the dotted path of a
    callable(request) -> bool, or None for no check."""
    path: str | None = getattr(settings, "PUBLIC_CAPTCHA_CHECK", None)
    if not path:
        return True
    check = cast(Callable[[HttpRequest], bool], import_string(path))
    return bool(check(request))


def _text(status: int, message: str, **headers: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def public(
    action: str,
    *,
    limit: int | None = None,
    window: int = 60,
    captcha: bool = True,
    counted: tuple[str, ...] | None = None,
) -> Callable[[View[P]], Wrapped[P]]:
    """Decorate a view anyone may call. Before the view: at most `limit` calls (default
    settings.PUBLIC_RATE_PER_MINUTE) per `window` seconds from one address for this
    `action`, else 429; the CAPTCHA check, else 400 (with `captcha=False` the view checks
    `captcha_passed` itself, to show the form again with what was typed). The view and its
    audit row (action, method, path, status; the address hash, no actor) share one
    transaction. Refused calls leave no row: a flood must not fill the log. For an action
    under `forget_addresses` the row has no address hash and the count a salted key. With
    `counted` (say ("POST",)), only those methods count against `limit`; the others (the
    form shown again, a reload for a new CAPTCHA) against PUBLIC_RATE_PER_MINUTE."""

    def decorate(view: View[P]) -> Wrapped[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            forget = forgets_address(action)
            hashed = "" if forget else address_hash(ratelimit.client_address(request))
            strict = counted is None or request.method in counted
            wait = ratelimit.over_limit(
                request,
                group=f"public:{action}" if strict else f"public:{action}:view",
                key=salted_address if forget else "ip",
                limit=limit if strict and limit is not None else settings.PUBLIC_RATE_PER_MINUTE,
                window=window if strict else 60,
            )
            if wait:
                return ratelimit.too_many_requests(wait)
            if captcha and not captcha_passed(request):
                return _text(400, _("The verification code is wrong or has expired; try again."))
            public_request = cast(PublicHttpRequest, request)
            public_request.address_hash = hashed
            with transaction.atomic():
                response = view(public_request, *args, **kwargs)
                audit.record(
                    actor=None,
                    action=action,
                    target=None,
                    summary=f"{request.method} {request.path}",
                    address_hash=hashed,
                    status=response.status_code,
                )
            return response

        return cast("Wrapped[P]", wrapper)

    return decorate
