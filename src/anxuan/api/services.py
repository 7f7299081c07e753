"""Writes of the API app: personal tokens and idempotent requests."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anxuan.api.models import ApiToken, IdempotencyRecord
from anxuan.core.audit import record
from anxuan.orgs.models import Person

TOKEN_PREFIX = "ax_"  # noqa: S105 -- a marker that makes leaked tokens easy to find, not a secret
# last_used_at is bookkeeping for the person's token list, not worth a write per request.
USED_AT_RESOLUTION = timedelta(minutes=5)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, actor: Person, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new personal token of `actor`. Returns the row and the raw token, which is shown
    once and never stored. Side effects: audit row."""
    if not actor.is_authenticated:
        raise PermissionDenied
    if expires_in_days is not None and not 1 <= expires_in_days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "expires_in_days": _("Between 1 and %(max)d days, or empty for no expiry.")
                % {"max": settings.API_TOKEN_MAX_DAYS}
            }
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person=actor,
        name=name.strip(),
        prefix=raw[:8],
        token_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token.full_clean()
    token.save()
    record(
        actor=actor,
        action="api_token.create",
        target=token,
        summary=f"{token.name} ({token.prefix}…)",
        expires_at=token.expires_at.isoformat() if token.expires_at else None,
    )
    return token, raw


@transaction.atomic
def revoke_token(*, actor: Person, token: ApiToken) -> ApiToken:
    """Stop a token from working, at once. Only its owner revokes it. Side effects: audit
    row."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.person_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="api_token.revoke",
            target=token,
            summary=f"{token.name} ({token.prefix}…)",
        )
    return token


def mark_token_used(token: ApiToken) -> None:
    """Note when the token was last used, at most every few minutes (no audit row: this is
    bookkeeping, not a change the person made)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USED_AT_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class IdempotencyKeyReused(Exception):
    """The key was used before for a different request (HTTP 422 in the API)."""


Response = tuple[int, Any]


def run_once(
    *, person: Person, key: str, request: str, fingerprint: str, act: Callable[[], Response]
) -> tuple[Response, bool]:
    """Run `act` once per (person, key): a retry with the same key and request gets the
    response remembered from the first run, whether it arrives later or at the same moment.
    Returns the response and whether it is a replay. A failed `act` remembers nothing, so
    the client may retry it.

    The record is taken before acting, inside the same transaction: a concurrent retry
    blocks on the unique key (PostgreSQL) or on the write lock (SQLite) until the first
    commits, then reads its response."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                held = IdempotencyRecord.objects.create(
                    person=person, key=key, request=request[:255], fingerprint=fingerprint
                )
        except IntegrityError:
            earlier = IdempotencyRecord.objects.select_for_update().get(person=person, key=key)
            if earlier.fingerprint != fingerprint:
                raise IdempotencyKeyReused from None
            return (earlier.status, earlier.body), True
        status, body = act()
        held.status, held.body = status, body
        held.save(update_fields=["status", "body"])
    return (status, body), False


def forget_idempotency_records() -> int:
    """Drop records older than API_IDEMPOTENCY_DAYS; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.API_IDEMPOTENCY_DAYS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
