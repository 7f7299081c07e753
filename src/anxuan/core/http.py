"""Typed requests for view signatures, and what a view answers when a part behind it is
away."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # for the type checker only: core imports nothing of orgs when it runs
    from anxuan.orgs.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required: `user` is the logged-in person, so
    `request.user.memberships` type-checks without a cast."""

    user: "Person"  # narrower than HttpRequest's user


# The largest id either database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def query_id(value: str | None) -> int | None:
    """An id from a query string or a form field: ASCII digits within the database's
    integers, else None (a filter is then ignored, a lookup finds nothing). `str.isdigit`
    alone lets through `²` (int() refuses it) and 25-digit numbers (the database does)."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


RETRY_AFTER_SECONDS = 30


def storage_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the object store is away or overloaded (its connection refused,
    timed out or cut, or a 5xx answer), which the caller should try again after, as
    against a fault of the request or of the code."""
    try:
        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )
    except ImportError:  # pragma: no cover - botocore comes with django-storages[s3]
        return False
    away = (ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError)
    if isinstance(exc, away):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status) >= 500
    return False
