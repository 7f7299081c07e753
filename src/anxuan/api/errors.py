"""One error shape for the whole API:

    {"code": "state_conflict", "message": "<简体中文>", "message_en": "<English>",
     "fields": {"text": ["…"]}}

`code` is for programs; the messages are for people; `fields` names the parts of the request
at fault, with messages in the request's language (Chinese unless the person chose English).
Services raise Django's exceptions; the handlers here turn them into HTTP statuses."""

from typing import Any

from django import forms
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.parser import Parser

from anxuan.api.i18n import both
from anxuan.api.services import IdempotencyKeyReused
from anxuan.core.files import TOO_LARGE, UNSUPPORTED_TYPE
from anxuan.core.http import RETRY_AFTER_SECONDS, storage_unavailable
from anxuan.reports.services import StateConflict

MESSAGES = {
    "invalid": gettext_lazy("Some fields are not valid."),
    "unauthenticated": gettext_lazy("Log in, or send a valid API token."),
    "forbidden": gettext_lazy("You may not do this."),
    "not_found": gettext_lazy("Not found, or not yours to see."),
    "csrf_failed": gettext_lazy("The CSRF token is missing or wrong; reload the page."),
    "request_too_large": gettext_lazy("The request is too large."),
    "out_of_range": gettext_lazy("A number in the request is out of range."),
    "server_error": gettext_lazy("Something went wrong on the server; try again later."),
    "storage_unavailable": gettext_lazy(
        "File storage is unavailable for a moment; nothing was half saved. Try again in a minute."
    ),
    "idempotency_key_reused": gettext_lazy(
        "This Idempotency-Key was already used for a different request."
    ),
    "body_not_json": gettext_lazy("The request body is not valid JSON."),
    "body_not_object": gettext_lazy("Send the request body as a JSON object."),
}
# Pydantic's error types, in words the forms already use (Django's own translations).
REQUEST_FIELD_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "date_parsing": gettext_lazy("Enter a valid date."),
    "date_from_datetime_parsing": gettext_lazy("Enter a valid date."),
    "date_type": gettext_lazy("Enter a valid date."),
    "bool_parsing": gettext_lazy("Enter a valid value."),
}


# Codes of upload errors that have their own status; any other is a 400.
FILE_STATUSES = {TOO_LARGE: 413, UNSUPPORTED_TYPE: 415}


class BodyNotObject(ValueError):
    """A JSON body that is not an object (`[1, 2]`, `"hello"`): no operation takes one."""


class ObjectParser(Parser):
    """Ninja's JSON parser, refusing bodies that are not objects: Ninja would otherwise read
    them as an empty object, and a `PUT` would empty what it replaces."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotObject(type(data).__name__)
        return data


class ApiError(Exception):
    """An error the API answers with directly: status, code and a (lazy) message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | Promise | None = None,
        *,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status, self.code = status, code
        self.message = message if message is not None else MESSAGES[code]
        self.fields, self.headers = fields or {}, headers or {}
        super().__init__(code)


def file_error(code: str | None, messages: list[str]) -> ApiError:
    """An uploaded file refused: 413 too large, 415 not a type we take, else 400."""
    status = FILE_STATUSES.get(code or "", 400)
    return ApiError(
        status, code if status != 400 else "invalid", messages[0], fields={"file": messages}
    )


def body(code: str, message: str | Promise, fields: dict[str, list[str]] | None = None) -> dict:
    chinese, english = both(message)
    return {"code": code, "message": chinese, "message_en": english, "fields": fields or {}}


def respond(error: ApiError) -> HttpResponse:
    response = JsonResponse(
        body(error.code, error.message, error.fields),
        status=error.status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


def fields_of(exc: ValidationError) -> tuple[str, dict[str, list[str]]]:
    """(first message, {field: messages}) of a service's ValidationError."""
    if not hasattr(exc, "error_dict"):
        return exc.messages[0], {}
    fields = {
        field: list(ValidationError(errors).messages)
        for field, errors in exc.error_dict.items()
        if field != NON_FIELD_ERRORS
    }
    general = ValidationError(exc.error_dict.get(NON_FIELD_ERRORS, [])).messages
    return (general or next(iter(fields.values())))[0], fields


def form_error(form: forms.BaseForm, rename: dict[str, str] | None = None) -> ApiError:
    """A 400 naming the request's fields at fault, from a bound form that did not validate."""
    rename = rename or {}
    fields = {rename.get(name, name): list(errors) for name, errors in form.errors.items()}
    general = fields.pop(NON_FIELD_ERRORS, None)
    first = (general or next(iter(fields.values()), [MESSAGES["invalid"]]))[0]
    return ApiError(400, "invalid", first, fields=fields)


def _request_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error["loc"][1:]]
        if error["loc"][0] == "body" and len(location) > 1:
            location = location[1:]  # drop the name of the view's body parameter
        name = ".".join(location) or str(error["loc"][0])
        message = REQUEST_FIELD_MESSAGES.get(error["type"])
        if message is None and "ctx" in error:
            message = _limit_message(error["type"], error["ctx"])
        fields.setdefault(name, []).append(str(message or gettext("Enter a valid value.")))
    return fields


def _limit_message(kind: str, ctx: dict[str, Any]) -> str | None:
    if kind == "less_than_equal":
        return gettext("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx["le"]
        }
    if kind == "greater_than_equal":
        return gettext("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx["ge"]
        }
    if kind == "string_too_long":
        return gettext("At most %(n)d characters.") % {"n": ctx["max_length"]}
    if kind == "too_long":
        return gettext("At most %(n)d items.") % {"n": ctx["max_length"]}
    return None


def _storage_errors() -> tuple[type[Exception], ...]:
    """botocore's two roots of errors: the object store away is one of them."""
    from botocore.exceptions import BotoCoreError, ClientError

    return BotoCoreError, ClientError


def _storage_away(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """503 with Retry-After when the object store is away; any other of its errors is the
    server's fault, raised on to the 500 handler."""
    if not isinstance(exc, Exception) or not storage_unavailable(exc):
        raise exc
    return respond(
        ApiError(503, "storage_unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    )


def install(api: NinjaAPI) -> None:
    """Map every exception the endpoints let through to its status and the error shape."""

    def handle(exc_class: type[Exception], make) -> None:
        api.add_exception_handler(exc_class, lambda request, exc: respond(make(exc)))

    def invalid(exc: ValidationError) -> ApiError:
        message, fields = fields_of(exc)
        return ApiError(400, "invalid", message, fields=fields)

    def http_error(exc: HttpError) -> ApiError:
        if exc.status_code == 403:  # the session's CSRF check is the only 403 Ninja raises
            return ApiError(403, "csrf_failed")
        if exc.status_code == 400 and exc.__cause__ is not None:  # the body did not parse
            reason = "body_not_object" if isinstance(exc.__cause__, BodyNotObject) else None
            return ApiError(400, "invalid", MESSAGES[reason or "body_not_json"])
        return ApiError(exc.status_code, "invalid", str(exc))

    handle(ApiError, lambda exc: exc)
    handle(ValidationError, invalid)
    handle(StateConflict, lambda exc: ApiError(409, "state_conflict", exc.messages[0]))
    handle(PermissionDenied, lambda exc: ApiError(403, "forbidden"))
    handle(Http404, lambda exc: ApiError(404, "not_found"))
    handle(
        AuthenticationError,
        lambda exc: ApiError(
            401, "unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="anxuan"'}
        ),
    )
    handle(HttpError, http_error)
    handle(RequestDataTooBig, lambda exc: ApiError(413, "request_too_large"))
    # An id or filter larger than the database's integers: SQLite raises OverflowError,
    # PostgreSQL a DataError (numeric value out of range).
    handle(OverflowError, lambda exc: ApiError(400, "out_of_range"))
    handle(DataError, lambda exc: ApiError(400, "out_of_range"))
    handle(IdempotencyKeyReused, lambda exc: ApiError(422, "idempotency_key_reused"))
    for away in _storage_errors():
        api.add_exception_handler(away, _storage_away)
    handle(
        RequestInvalid,
        lambda exc: ApiError(400, "invalid", fields=_request_fields(exc.errors)),
    )
