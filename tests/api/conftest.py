"""API clients: a persona's Bearer token, or nobody."""

import pytest
from django.test import Client

from anxuan.api import services as api_services
from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.enums import RequirementKind

API = "/api/v1"


class ApiClient:
    """Django's test client speaking JSON to /api/v1 with a Bearer token."""

    def __init__(self, token: str | None = None, **headers: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.headers |= headers

    def _url(self, path: str) -> str:
        return path if path.startswith("/") and path.startswith(API) else f"{API}{path}"

    def get(self, path: str, **params):
        return self.client.get(self._url(path), params, headers=self.headers)

    def post(self, path: str, json=None, *, files=None, headers=None):
        headers = self.headers | (headers or {})
        if files is not None:
            return self.client.post(self._url(path), files, headers=headers)
        return self.client.post(
            self._url(path), json or {}, content_type="application/json", headers=headers
        )

    def put(self, path: str, json=None):
        return self.client.put(
            self._url(path), json or {}, content_type="application/json", headers=self.headers
        )

    def raw(self, method: str, path: str, data: bytes = b"", *, headers=None):
        """Any method with a raw body: tus's HEAD, PATCH and OPTIONS."""
        headers = self.headers | (headers or {})
        content_type = headers.pop("Content-Type", "application/offset+octet-stream")
        return self.client.generic(
            method, self._url(path), data, content_type=content_type, headers=headers
        )

    def delete(self, path: str):
        return self.client.delete(self._url(path), headers=self.headers)


def token_for(person) -> str:
    _token, raw = api_services.create_token(actor=person, name="tests")
    return raw


@pytest.fixture
def api_as():
    """An API client for a person (by Bearer token), or anonymous for None."""

    def make(person=None, **headers: str) -> ApiClient:
        return ApiClient(token_for(person) if person is not None else None, **headers)

    return make


@pytest.fixture
def weekly(county):
    """The weekly report collects two indicators of the campaign's statistics table."""
    requirement = county.campaign.requirements.get(kind=RequirementKind.WEEKLY)
    boards, leaflets = county.campaign.indicators.order_by("campaignindicator__order")[:2]
    campaign_services.save_requirement(
        actor=county.office_admin,
        campaign=county.campaign,
        requirement=requirement,
        indicators=[boards, leaflets],
    )
    return requirement, boards, leaflets
