"""Fixed-window rate limits counted in the cache (shared between workers and machines when
the cache is Redis). Callers choose the key, the limit and the window."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Hit:
    """One counted call: whether it is within the limit, and when its window ends."""

    allowed: bool
    count: int
    retry_after: int  # whole seconds until the window ends (at least 1)


def hit(key: str, *, limit: int, window: int, prefix: str = "rate") -> Hit:
    """Count one call against `key` in the current window of `window` seconds."""
    now = time.time()
    slot = int(now // window)
    cache_key = f"{prefix}:{key}:{slot}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    retry_after = max(1, int((slot + 1) * window - now) + 1)
    return Hit(allowed=count <= limit, count=count, retry_after=retry_after)


def client_address(request: HttpRequest) -> str:
    """The caller's address: behind a proxy, the first one in the header that
    API_CLIENT_IP_HEADER names (as in request.META), else REMOTE_ADDR."""
    header_name: str = settings.API_CLIENT_IP_HEADER
    address = (request.META.get(header_name) if header_name else None) or request.META.get(
        "REMOTE_ADDR", ""
    )
    return str(address).split(",")[0].strip()
