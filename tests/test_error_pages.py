"""Error pages as a person meets them, with DEBUG off: the site's layout, Chinese, and a way
back; the API answers the same failures in its JSON error shape."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.urls("tests.error_urls")
HOME = '<a class="btn" href="/">返回首页</a>'


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def page(response) -> str:
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def test_a_missing_page_is_404_in_chinese_with_the_layout(county, login):
    response = login(county.town_liaison).get("/no-such-page/")

    assert response.status_code == 404
    body = page(response)
    assert "<h1>页面不存在</h1>" in body
    assert "您要访问的页面不存在，或您无权查看。" in body
    assert HOME in body
    assert 'class="menu person-menu"' in body  # the site's header, with the person's menu


def test_a_forbidden_page_is_403_in_chinese_with_the_layout(county, login):
    response = login(county.town_liaison).get(reverse("orgs:people_list"))

    assert response.status_code == 403
    body = page(response)
    assert "<h1>无权访问此页面</h1>" in body
    assert "您的账号无权进行此操作。如有疑问，请联系本级安委办。" in body
    assert HOME in body
    assert 'class="menu person-menu"' in body


def test_a_failing_page_is_500_in_chinese_without_the_persons_menu(county, login):
    client = login(county.town_liaison)
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    body = page(response)
    assert "<h1>系统出错了</h1>" in body
    assert "错误已记录。请稍后重试；如果反复出现，请联系本级安委办。" in body
    assert HOME in body
    assert '<header class="top">' in body
    # Rendered without the request: no context processors, no session or database reads.
    assert "person-menu" not in body
    assert "csrfmiddlewaretoken" not in body


def test_a_post_without_its_csrf_token_is_403_with_a_way_to_reopen_the_page(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.office_admin, backend="anxuan.orgs.auth.UsernameOrMobileBackend")

    response = client.post(reverse("orgs:person_create"), {"username": "someone"})

    assert response.status_code == 403
    body = page(response)
    assert "<h1>页面已过期，请重新提交</h1>" in body
    assert "表单缺少安全校验码或校验码已过期" in body
    reopen = f'<a class="btn secondary" href="{reverse("orgs:person_create")}">重新打开此页</a>'
    assert reopen in body
    assert HOME in body
    assert 'class="menu person-menu"' in body


def test_the_login_form_without_its_csrf_token_says_so_in_chinese(db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "office", "password": "x"}
    )

    assert response.status_code == 403
    assert "<h1>页面已过期，请重新提交</h1>" in page(response)


def test_the_api_answers_its_failures_in_json(county):
    client = Client(raise_request_exception=False)

    failing = client.get("/api/broken/fails")
    missing = client.get("/api/v1/no-such-thing")

    assert (failing.status_code, failing["Content-Type"]) == (
        500,
        "application/json; charset=utf-8",
    )
    assert failing.json() == {
        "code": "server_error",
        "message": "服务器出错了，请稍后重试。",
        "message_en": "Something went wrong on the server; try again later.",
        "fields": {},
    }
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
