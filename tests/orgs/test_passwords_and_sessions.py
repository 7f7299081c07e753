"""Passwords and sessions, 等保 2.0 basics (issue 12, item 9): a change-password page for
everyone, a forced change of an initial password, API tokens revoked when the password
changes, an idle timeout, and no cached copies of logged-in pages."""

from datetime import timedelta
from io import BytesIO

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anxuan.api import services as api_services
from anxuan.orgs import services
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Person
from tests import factories
from tests.api.conftest import ApiClient
from tests.orgs.test_password_sheet import imported, links

NEW = "Qz7-tulip-wall"


def post_login(client: Client, username: str, password: str = factories.PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def change(client: Client, old: str, new: str = NEW):
    return client.post(
        reverse("orgs:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_everyone_changes_their_password_from_the_person_menu(county, login):
    client = login(county.town_liaison)
    home = client.get(reverse("dashboards:home")).content.decode()
    page = client.get(reverse("orgs:password_change")).content.decode()

    changed = change(client, factories.PASSWORD)

    assert f'href="{reverse("orgs:password_change")}"' in home
    assert "修改密码" in page
    assert changed.status_code == 302
    assert post_login(Client(), "liaison", NEW).status_code == 302
    assert post_login(Client(), "liaison").status_code == 200  # the old one no longer works


def test_a_weak_or_wrong_password_is_refused_in_chinese(county, login):
    client = login(county.town_liaison)

    weak = change(client, factories.PASSWORD, "12345678")
    wrong_old = change(client, "not-it")

    assert weak.status_code == 400
    assert "这个密码太常见了" in weak.content.decode()
    assert wrong_old.status_code == 400
    assert "你的旧密码不正确" in wrong_old.content.decode()


def test_a_person_the_office_adds_changes_the_initial_password_first(county, login):
    created = login(county.office_admin).post(reverse("orgs:person_create"), {
        "full_name": "周七", "mobile": "13966667777", "username": "",
        "organization": county.town.pk, "role": Role.LIAISON,
    })  # fmt: skip
    initial = created.context["password"]
    client = Client()

    post_login(client, "13966667777", initial)
    sent = client.get(reverse("campaigns:campaign_list"))
    changed = change(client, initial)

    assert sent.status_code == 302
    assert sent.url == reverse("orgs:password_change")
    assert changed.status_code == 302
    assert client.get(reverse("campaigns:campaign_list")).status_code == 200
    assert Person.objects.get(mobile="13966667777").must_change_password is False


def test_a_reset_password_must_be_changed_too(county, login):
    password = services.reset_password(actor=county.office_admin, person=county.town_liaison)
    client = Client()
    post_login(client, "liaison", password)

    assert client.get(reverse("dashboards:home")).url == reverse("orgs:password_change")


def test_people_given_a_password_by_hand_are_not_forced(county):
    client = Client()
    post_login(client, "liaison")

    assert client.get(reverse("dashboards:home")).status_code == 200


def test_a_password_reset_revokes_the_persons_api_tokens(county):
    _token, raw = api_services.create_token(actor=county.town_liaison, name="手机")
    before = ApiClient(raw).get("/me").status_code

    password = services.reset_password(actor=county.office_admin, person=county.town_liaison)
    after_reset = ApiClient(raw).get("/me").status_code
    client = Client()
    post_login(client, "liaison", password)
    change(client, password)
    listed = client.get(reverse("api:api_tokens")).content.decode()

    assert (before, after_reset) == (200, 401)
    assert "已撤销" in listed


def test_changing_ones_own_password_revokes_older_tokens_only(county, login):
    _old, old_raw = api_services.create_token(actor=county.town_liaison, name="旧")
    client = login(county.town_liaison)
    change(client, factories.PASSWORD)
    _new, new_raw = api_services.create_token(actor=county.town_liaison, name="新")

    assert ApiClient(old_raw).get("/me").status_code == 401
    assert ApiClient(new_raw).get("/me").status_code == 200


def test_an_idle_session_is_logged_out_and_the_login_page_says_so(county, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 30
    time_machine.move_to(timezone.now(), tick=False)
    client = Client()
    post_login(client, "liaison")
    for _ in range(3):  # working: each request within the idle time
        time_machine.shift(timedelta(minutes=25))
        assert client.get(reverse("dashboards:home")).status_code == 200

    time_machine.shift(timedelta(minutes=31))
    response = client.get(reverse("dashboards:home"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "您已连续 30 分钟未操作，系统已自动退出登录" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_logged_in_pages_are_not_stored_by_caches(county, login):
    _token, raw = api_services.create_token(actor=county.town_liaison, name="手机")
    page = login(county.town_liaison).get(reverse("dashboards:home"))
    api = ApiClient(raw).get("/me")

    assert "no-store" in page["Cache-Control"]
    assert "no-store" in api["Cache-Control"]


def test_an_imported_liaison_changes_the_password_from_the_sheet_first(county, login):
    office = login(county.office_admin)
    _sheet, xlsx_url = links(imported(office, county))
    rows = load_workbook(BytesIO(office.get(xlsx_url).content)).active.iter_rows(values_only=True)
    password = next(r[3] for r in rows if r[2] == "13912345678")
    client = Client()

    post_login(client, "13912345678", password)

    assert client.get(reverse("dashboards:home")).url == reverse("orgs:password_change")
