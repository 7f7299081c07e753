"""The REST API under /api/v1/: OpenAPI schema at openapi.json, Swagger UI at docs (its
assets served by the app: `ninja` is an installed app)."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from anxuan.api import errors
from anxuan.api.auth import PageSession, TokenAuth, rate_limited, rate_limited_by_address
from anxuan.api.routers import (
    assessment,
    attachments,
    campaigns,
    exports,
    integrity,
    me,
    orgs,
    oversight,
    submissions,
    tips,
    uploads,
)
from anxuan.api.schemas import ErrorOut


class AnxuanAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any):
        """The schema, with the one error shape documented on every operation."""
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
            ErrorOut.model_json_schema()
        )
        error = {
            "description": "the error shape: a machine code, Chinese and English messages",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("4XX", error)
        return schema


class Utf8JSON(JSONRenderer):
    """Chinese as itself, not as \\u escapes: readable with curl, half the bytes."""

    json_dumps_params = {"ensure_ascii": False}


api = AnxuanAPI(
    title="Anxuan API",
    version="1",
    description=(
        "Campaigns, reports and evidence of Anxuan (安宣), and hazard tips from the public. "
        "Send a personal token made at /accounts/tokens/ as `Authorization: Bearer ax_…`; "
        "the pages' own calls use the "
        "session and its CSRF token; the public's tip operations (filing, following up) need "
        "neither. Errors are `{code, message, message_en, fields}`."
    ),
    urls_namespace="api-v1",
    renderer=Utf8JSON(),
    parser=errors.ObjectParser(),
    auth=[TokenAuth(), PageSession()],
    # Swagger UI would otherwise load a validity badge from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=rate_limited_by_address,  # openapi.json and docs: per address
)
api.add_decorator(rate_limited, mode="view")
errors.install(api)
for module in (
    me,
    orgs,
    campaigns,
    oversight,
    exports,
    submissions,
    attachments,
    uploads,
    integrity,
    assessment,
    tips,
):
    api.add_router("", module.router)
