"""`Idempotency-Key`: a client that retries a request over a bad mobile network gets the
first response again instead of a second version or a second copy of a photo."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.renderers import NinjaJSONEncoder

from anxuan.api.errors import ApiError
from anxuan.api.services import run_once

HEADER = "Idempotency-Key"
MAX_KEY = 255
# For an operation's `openapi_extra`: the header, documented.
IDEMPOTENT = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "maxLength": MAX_KEY},
            "description": "a retry with the same key gets the first response again",
        }
    ]
}


def fingerprint(request: HttpRequest, what: Any) -> str:
    """What the request asks for, hashed: its method, path and the caller's description of
    its content (a multipart body differs in every retry by its boundary)."""
    text = json.dumps([request.method, request.path, what], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _json(status: int, body: Any) -> HttpResponse:
    return JsonResponse(
        body,
        status=status,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )


def as_json(schema: type[Schema], obj: Any, request: HttpRequest) -> Any:
    """The body `schema` makes of `obj`, ready to remember and to send, encoded as Ninja
    encodes every other response."""
    dumped = schema.model_validate(obj, context={"request": request}).model_dump()
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))


def once(request: HttpRequest, what: Any, act: Callable[[], tuple[int, Any]]) -> HttpResponse:
    """Run `act` (returning status and a JSON-ready body) once per Idempotency-Key of the
    caller; without the header, just run it. A replay says so in `Idempotent-Replayed`."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        status, body = act()
        return _json(status, body)
    if len(key) > MAX_KEY or not key.isprintable():
        raise ApiError(
            400,
            "invalid",
            fields={HEADER: [str(gettext_lazy("At most 255 printable characters."))]},
        )
    (status, body), replayed = run_once(
        person=request.user,
        key=key,
        request=f"{request.method} {request.path}",
        fingerprint=fingerprint(request, what),
        act=act,
    )
    response = _json(status, body)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response
