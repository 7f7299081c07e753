"""Cursor pagination: `?cursor=…&limit=…` → `{"items": [...], "next": "<cursor>" | null}`.

The cursor is the (order key, id) of the last item, as opaque base64. Unlike page numbers,
it neither skips nor repeats rows when rows are added while a client pages through."""

import base64
import binascii
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db.models import Field as DjangoField
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Schema

from anxuan.api.errors import ApiError

MAX_LIMIT = 200
MAX_ID = 2**63 - 1  # the largest integer either database stores
T = TypeVar("T")


class PageParams(Schema):
    cursor: str | None = Field(None, description="`next` of the previous page")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


class Page(Schema, Generic[T]):
    items: list[T]
    next: str | None = Field(description="cursor of the next page; null on the last page")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _value(obj: Model, field: str) -> Any:
    for part in field.split("__"):
        obj = getattr(obj, part)
    return obj


def encode(value: Any, pk: int) -> str:
    raw = json.dumps([_plain(value), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid() -> ApiError:
    return ApiError(
        400,
        "invalid",
        fields={"cursor": [str(gettext_lazy("This cursor is not valid; start again."))]},
    )


def _model_field(model: type[Model], path: str) -> DjangoField:
    *relations, name = path.split("__")
    for part in relations:
        model = cast(type[Model], model._meta.get_field(part).related_model)
    field = model._meta.get_field(name)
    if not isinstance(field, DjangoField):  # ordered by a reverse relation: never here
        raise TypeError(path)
    return field


def decode(cursor: str, model: type[Model], field: str) -> tuple[Any, int]:
    """The (order key, id) of a cursor; a 400 on the cursor for anything this list could
    not have made (bad base64 or JSON, a key of the wrong type, an id out of range)."""
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(value, str | int) or type(pk) is not int or not 0 <= pk <= MAX_ID:
            raise TypeError(cursor)
        if field != "pk":
            value = _model_field(model, field).to_python(value)
            if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
                raise TypeError(cursor)
            if isinstance(value, datetime) and timezone.is_naive(value):
                raise TypeError(cursor)
        return value, pk
    except (ValueError, TypeError, binascii.Error, ValidationError):
        raise _invalid() from None


def paginate(queryset: QuerySet, params: PageParams, *, order: str = "pk") -> dict:
    """One page of `queryset` ordered by `order` (a field, "-" for descending), ties broken
    by id in the same direction."""
    descending = order.startswith("-")
    field = order.lstrip("-")
    direction = "lt" if descending else "gt"
    keys = [order] if field == "pk" else [order, "-pk" if descending else "pk"]
    queryset = queryset.order_by(*keys)
    if params.cursor:
        value, pk = decode(params.cursor, queryset.model, field)
        if field == "pk":
            queryset = queryset.filter(**{f"pk__{direction}": pk})
        else:
            queryset = queryset.filter(
                Q(**{f"{field}__{direction}": value}) | Q(**{field: value, f"pk__{direction}": pk})
            )
    rows = list(queryset[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    last = rows[-1] if rows else None
    return {
        "items": rows,
        "next": encode(_value(last, field), last.pk) if more and last is not None else None,
    }
