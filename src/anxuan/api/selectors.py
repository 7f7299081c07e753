"""Reads of the API app, scoped to the person asking."""

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from anxuan.api.models import ApiToken
from anxuan.api.services import hash_token
from anxuan.orgs.models import Person


def tokens_of(person: Person) -> QuerySet:
    return (
        ApiToken.objects.filter(person=person)
        .select_related("person")
        .order_by("-created_at", "-id")
    )


def get_token_for(person: Person, pk: int) -> ApiToken:
    """One of the person's own tokens; 404 for anyone else's (never reveal it exists)."""
    token = tokens_of(person).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def active_token(raw: str) -> ApiToken | None:
    """The token with this raw value, if it is neither revoked nor expired, its owner may
    still log in and has not changed (or been given) a password since it was made."""
    return (
        ApiToken.objects.select_related("person")
        .filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
            Q(person__password_changed_at__isnull=True)
            | Q(created_at__gte=F("person__password_changed_at")),
            token_hash=hash_token(raw),
            revoked_at__isnull=True,
            person__is_active=True,
        )
        .first()
    )
