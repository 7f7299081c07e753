"""The OpenAPI schema and the browsable docs, served without any outside host."""

import re

from django.contrib.staticfiles import finders
from django.test import Client

from tests.api.conftest import API


def test_the_docs_page_loads_only_assets_of_the_app(db):
    response = Client().get(f"{API}/docs")
    page = response.content.decode()

    assert response.status_code == 200
    assert "cdn" not in page.lower()
    assert re.findall(r"(?:https?:)?//[\w.-]+", page) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    for asset in assets:
        assert asset.startswith("/static/")
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    assert '"validatorUrl": null' in page  # no badge fetched from validator.swagger.io


def test_the_schema_documents_tokens_and_the_error_shape(db):
    schema = Client().get(f"{API}/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert schema["components"]["schemas"]["Error"]["required"] == [
        "code",
        "message",
        "message_en",
        "fields",
    ]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert all("4XX" in op["responses"] for op in operations)
    submit = schema["paths"][f"{API}/submissions/{{submission_id}}/submit"]["post"]
    assert [p["name"] for p in submit["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
