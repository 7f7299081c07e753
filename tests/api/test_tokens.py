"""Personal API tokens: made and revoked by their owner on the profile page, stored hashed,
shown once; revoked, expired or unknown tokens get 401. And the session path of the pages'
own calls, with CSRF."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anxuan.api import services
from anxuan.api.models import ApiToken
from anxuan.core.models import AuditEntry
from tests.api.conftest import API, ApiClient


def test_the_raw_token_is_shown_once_and_only_its_hash_is_stored(county, login):
    client = login(county.town_liaison)

    created = client.post(reverse("api:api_tokens"), {"name": "手机", "expires_in_days": "30"})
    raw = created.context["raw"]
    listed = client.get(reverse("api:api_tokens")).content.decode()

    token = ApiToken.objects.get()
    assert created.status_code == 200
    assert raw.startswith("ax_")
    assert len(raw) == 46  # "ax_" and 32 random bytes in base64
    assert raw in created.content.decode()
    assert raw not in listed
    assert token.prefix in listed
    assert raw not in str(list(ApiToken.objects.values_list()))
    assert raw not in str(list(AuditEntry.objects.values_list("summary", "data")))
    assert token.token_hash == services.hash_token(raw)
    assert token.expires_at - timezone.now() > timedelta(days=29)
    assert ApiClient(raw).get("/me").json()["username"] == "liaison"


def test_a_token_form_with_errors_is_shown_again(county, login):
    response = login(county.town_liaison).post(
        reverse("api:api_tokens"), {"name": "", "expires_in_days": "0"}
    )

    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["expires_in_days", "name"]
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_at_once(county, login):
    token, raw = services.create_token(actor=county.town_liaison, name="手机")
    before = ApiClient(raw).get("/me").status_code

    response = login(county.town_liaison).post(reverse("api:api_token_revoke", args=[token.pk]))
    after = ApiClient(raw).get("/me")

    assert (before, response.status_code, after.status_code) == (200, 302, 401)
    assert after.json()["code"] == "unauthenticated"
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_an_expired_token_is_refused(county, time_machine):
    _token, raw = services.create_token(actor=county.town_liaison, name="手机", expires_in_days=1)

    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=1))

    assert ApiClient(raw).get("/me").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer ax_not-a-real-token", "Bearer ", "Token ax_abc", "ax_abc", "Basic YTpi"],
)
def test_unknown_or_malformed_credentials_are_refused(county, header):
    response = Client().get(f"{API}/me", headers={"Authorization": header})

    assert response.status_code == 401


def test_a_disabled_persons_tokens_stop_working(county):
    _token, raw = services.create_token(actor=county.town_liaison, name="手机")
    county.town_liaison.is_active = False
    county.town_liaison.save()

    assert ApiClient(raw).get("/me").status_code == 401


def test_only_the_owner_revokes_a_token(county, login):
    token, raw = services.create_token(actor=county.town_liaison, name="手机")

    response = login(county.office_admin).post(reverse("api:api_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert ApiClient(raw).get("/me").status_code == 200


def test_using_a_token_notes_when(county):
    token, raw = services.create_token(actor=county.town_liaison, name="手机")

    ApiClient(raw).get("/me")

    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_the_pages_session_reads_and_writes_with_the_csrf_token(county):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(county.office_admin, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    browser.get(reverse("dashboards:home"))  # sets the CSRF cookie, as a page would
    csrf = browser.cookies["csrftoken"].value
    url = f"{API}/campaigns/{county.campaign.pk}/participants"
    body = {"organization_ids": [county.enterprise.pk]}

    read = browser.get(f"{API}/me")
    forged = browser.post(url, body, content_type="application/json")
    genuine = browser.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )

    assert read.status_code == 200
    assert (forged.status_code, forged.json()["code"]) == (403, "csrf_failed")
    assert genuine.status_code == 201


def test_anonymous_writes_are_401_not_a_csrf_failure(county):
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/submissions", {}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_the_account_area_links_to_the_tokens(county, login):
    page = login(county.town_liaison).get(reverse("dashboards:home")).content.decode()

    assert f'href="{reverse("api:api_tokens")}"' in page
