"""Rate limits: django-ratelimit's fixed windows, counted in the cache that every worker and
machine shares (the database's cache table, or Redis; decision 0018). Callers name the
group, the key and the limit; the caller's address comes from the same trusted-proxy
settings as the HTTPS scheme (FORWARDED_ALLOW_IPS, PROXY_CLIENT_IP_HEADER)."""

import functools
import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

Key = Callable[[str, HttpRequest], str]
View = Callable[..., HttpResponseBase]


def trusted_proxy(address: str) -> bool:
    """Whether `address` is one of FORWARDED_ALLOW_IPS (addresses or networks; `*` is any)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.FORWARDED_ALLOW_IPS:
        if allowed == "*":
            return True
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request came from a trusted proxy: one of FORWARDED_ALLOW_IPS, or over a
    Unix socket (no address: the proxy on this machine, as gunicorn also judges)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    return not remote or trusted_proxy(remote)


def client_address(request: HttpRequest) -> str:
    """The caller's address. From a trusted proxy, the last address in the header that
    PROXY_CLIENT_IP_HEADER names which is not itself a trusted proxy (each proxy appends the
    address it was called from; what a client wrote itself comes first and is not
    believed); otherwise the connection's own address."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    header: str = settings.PROXY_CLIENT_IP_HEADER
    if header and from_trusted_proxy(request):
        chain = [a.strip() for a in str(request.META.get(header, "")).split(",")]
        for address in reversed([a for a in chain if a]):
            if not trusted_proxy(address):
                try:
                    return str(ipaddress.ip_address(address))
                except ValueError:
                    break  # not an address: count the proxy's own
    return remote or "127.0.0.1"


def over_limit(
    request: HttpRequest, *, group: str, key: str | Key = "ip", limit: int, window: int = 60
) -> int:
    """Count this request against `group` for its `key` (by default "ip": the client's
    address, an IPv6 one by its /64, through RATELIMIT_IP_META_KEY = client_address); 0
    while within `limit` calls per `window` seconds, else the seconds until the window ends
    (for Retry-After)."""
    usage: dict[str, Any] | None = get_usage(
        request, group=group, key=key, rate=(limit, window), increment=True
    )
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, int(usage["time_left"]))


def too_many_requests(retry_after: int) -> HttpResponse:
    """429 for a person in a browser or a monitoring probe: plain Chinese text."""
    response = HttpResponse(
        _("Too many requests from your network; try again later."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


def per_address(
    group: str, setting: str, *, methods: tuple[str, ...] | None = None
) -> Callable[[View], View]:
    """Limit a view to settings.<setting> calls per minute from one address (only calls
    with one of `methods`, when given); above that, 429 with Retry-After."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if methods is None or request.method in methods:
                wait = over_limit(request, group=group, limit=getattr(settings, setting))
                if wait:
                    return too_many_requests(wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def purge_expired() -> int:
    """Delete the shared cache's expired entries now; the number deleted. Redis drops them
    itself; the database cache would keep an expired count or salt in its table until a
    later write happened to clear it, and a dump of the table would then hold it."""
    backend = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if not isinstance(backend, DatabaseCache):
        return 0
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    q = connection.ops.quote_name
    table = q(backend.cache_model_class._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {q('expires')} < %s", [now])  # noqa: S608 - quoted names only
        return int(cursor.rowcount)
