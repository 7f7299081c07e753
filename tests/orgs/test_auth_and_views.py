import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Membership, Organization
from tests import factories


def post_login(client: Client, username: str, password: str = factories.PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_log_in_by_username_or_by_mobile(county):
    assert post_login(Client(), "liaison").status_code == 302
    response = post_login(Client(), county.town_liaison.mobile)

    assert response.status_code == 302
    assert response.url == reverse("dashboards:home")


def test_wrong_password_answers_in_chinese(county):
    response = post_login(Client(), "liaison", "wrong")

    assert response.status_code == 200
    assert "用户名、手机号或密码错误。" in response.content.decode()


def test_repeated_failures_lock_the_account(county, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "liaison", "wrong")

    response = post_login(client, "liaison")  # even the right password now

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_interface_is_chinese_by_default_and_english_on_request(county, login):
    client = login(county.office_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"

    assert "组织单位" in client.get(reverse("campaigns:campaign_list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Organised by" in client.get(reverse("campaigns:campaign_list")).content.decode()


def test_healthz_needs_no_login(db):
    assert Client().get(reverse("healthz")).content == b"ok"


def test_office_adds_a_person_and_sees_the_password_once(county, login):
    response = login(county.office_admin).post(reverse("orgs:person_create"), {
        "full_name": "周七", "mobile": "13966667777", "username": "",
        "organization": county.town.pk, "role": Role.LIAISON, "title": "安全员",
    })  # fmt: skip

    membership = Membership.objects.get(person__mobile="13966667777")
    assert response.status_code == 200
    assert membership.person.username == "13966667777"
    assert (membership.organization, membership.role) == (county.town, Role.LIAISON)
    assert 'id="password"' in response.content.decode()


def test_a_duplicate_mobile_is_refused_on_the_field(county, login):
    response = login(county.office_admin).post(reverse("orgs:person_create"), {
        "full_name": "重复", "mobile": county.town_liaison.mobile,
        "organization": county.town.pk, "role": Role.LIAISON,
    })  # fmt: skip

    assert response.status_code == 400
    assert "该手机号已被其他人使用。" in response.content.decode()


def test_moving_a_unit_moves_its_subtree(county, login):
    response = login(county.office_admin).post(reverse("orgs:org_edit", args=[county.town.pk]), {
        "name": "城关镇", "parent": county.other_town.pk, "kind": OrgKind.TOWN,
        "region_code": "620724100",
    })  # fmt: skip

    assert response.status_code == 302
    county.enterprise.refresh_from_db()
    assert county.enterprise.path.startswith(county.other_town.path)


def test_a_unit_cannot_move_under_itself(county, login):
    response = login(county.office_admin).post(reverse("orgs:org_edit", args=[county.town.pk]), {
        "name": "城关镇", "parent": county.enterprise.pk, "kind": OrgKind.TOWN,
    })  # fmt: skip

    assert response.status_code == 400
    assert Organization.objects.get(pk=county.town.pk).parent == county.county


def test_duplicate_sibling_name_is_refused(county, login):
    url = reverse("orgs:org_create", args=[county.county.pk])
    response = login(county.office_admin).post(url, {
        "name": "宣化镇", "parent": county.county.pk, "kind": OrgKind.TOWN,
    })  # fmt: skip

    assert response.status_code == 400
    assert Organization.objects.filter(name="宣化镇").count() == 1


@pytest.mark.parametrize("extra", [1, 3])
def test_org_tree_and_people_queries_do_not_grow(county, login, extra):
    client = login(county.office_admin)
    for i in range(extra):
        unit = factories.org(f"新单位{i}", OrgKind.ENTERPRISE, county.town)
        factories.person(unit, Role.LIAISON)
    counts = []
    for name in ("orgs:org_tree", "orgs:people_list"):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse(name))
        counts.append(len(ctx.captured_queries))

    assert counts == [4, 5]


def test_the_office_renames_its_own_county_keeping_its_parent(county, login):
    response = login(county.office_admin).post(reverse("orgs:org_edit", args=[county.county.pk]), {
        "name": "高台县（新）", "parent": county.county.parent_id, "kind": OrgKind.COUNTY,
        "region_code": "620724",
    })  # fmt: skip

    assert response.status_code == 302
    assert Organization.objects.get(pk=county.county.pk).name == "高台县（新）"
