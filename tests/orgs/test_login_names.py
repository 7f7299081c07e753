"""Usernames and mobiles are one namespace of login names, kept unique by the database, so
no account can take over another's login (issue 12, item 1)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from anxuan.orgs import services
from anxuan.orgs.enums import Role
from anxuan.orgs.models import LoginName, Person
from tests import factories
from tests.orgs.test_auth_and_views import post_login

TAKEN = "该登录名/手机号已被使用"


def logged_in_as(client: Client) -> int:
    return int(client.session["_auth_user_id"])


def test_another_countys_office_cannot_take_a_liaisons_mobile_as_username(county, login):
    mobile = county.town_liaison.mobile
    client = login(county.outsider)
    neighbour = county.outsider.memberships.get().organization
    response = client.post(reverse("orgs:person_create"), {
        "full_name": "冒名", "mobile": "", "username": mobile,
        "organization": neighbour.pk, "role": Role.LIAISON,
    })  # fmt: skip

    liaison = Client()
    assert response.status_code == 400
    assert TAKEN in response.content.decode()
    assert not Person.objects.filter(full_name="冒名").exists()
    assert post_login(liaison, mobile).status_code == 302
    assert logged_in_as(liaison) == county.town_liaison.pk


def test_a_mobile_that_is_someone_elses_username_is_refused_on_edit(county, login):
    factories.person(county.town, Role.LIAISON, "13911112222", mobile=None)

    response = login(county.office_admin).post(
        reverse("orgs:person_detail", args=[county.other_liaison.pk]),
        {"full_name": county.other_liaison.full_name, "mobile": "13911112222", "is_active": "on"},
    )

    county.other_liaison.refresh_from_db()
    assert response.status_code == 400
    assert TAKEN in response.content.decode()
    assert county.other_liaison.mobile != "13911112222"


def test_the_service_refuses_it_too_and_the_database_underneath(county):
    with pytest.raises(ValidationError) as refused:
        services.create_person(
            actor=None,
            username=county.town_liaison.mobile,
            full_name="冒名",
            mobile=None,
            organization=county.other_town,
            role=Role.LIAISON,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LoginName.objects.create(name=county.town_liaison.mobile, person=county.other_liaison)

    assert refused.value.message_dict == {"username": ["该登录名/手机号已被使用。"]}
    assert not Person.objects.filter(full_name="冒名").exists()


def test_a_save_that_skips_the_checks_is_refused_with_the_message(county):
    person = Person(username=county.town_liaison.mobile, full_name="冒名")

    with pytest.raises(ValidationError) as refused:
        person.save()  # no full_clean: the LoginName constraint holds

    assert refused.value.messages == ["该登录名/手机号已被使用。"]
    assert not Person.objects.filter(full_name="冒名").exists()


def test_the_admin_shows_the_clash_on_the_form(county, client):
    admin = Person.objects.create_superuser(username="root", password=factories.PASSWORD)
    client.force_login(admin, backend="anxuan.orgs.auth.UsernameOrMobileBackend")

    response = client.post(reverse("admin:orgs_person_add"), {
        "username": county.town_liaison.mobile, "usable_password": "true",
        "password1": "Qz7-tulip-wall", "password2": "Qz7-tulip-wall",
    })  # fmt: skip

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert Person.objects.filter(username=county.town_liaison.mobile).count() == 0


def test_a_person_may_log_in_with_their_own_mobile_as_username(county):
    person = factories.person(county.town, Role.LIAISON, "13922223333", mobile="13922223333")
    person.full_name = "改名"
    person.save()

    assert list(LoginName.objects.filter(person=person).values_list("name", flat=True)) == [
        "13922223333"
    ]
    assert post_login(Client(), "13922223333").status_code == 302


def test_a_changed_mobile_frees_the_old_one(county, login):
    old = county.other_liaison.mobile
    services.update_person(
        actor=county.office_admin,
        person=county.other_liaison,
        full_name=county.other_liaison.full_name,
        mobile="13933334444",
        is_active=True,
    )

    factories.person(county.town, Role.LIAISON, old, mobile=None)  # now free to take

    assert set(
        LoginName.objects.filter(person=county.other_liaison).values_list("name", flat=True)
    ) == {
        "liaison2",
        "13933334444",
    }


def old_clash(county) -> str:
    """A clash as old data may hold it: another person's username set to the liaison's
    mobile behind the namespace's back (as before it existed)."""
    mobile = county.town_liaison.mobile
    LoginName.objects.filter(person=county.other_liaison).delete()
    Person.objects.filter(pk=county.other_liaison.pk).update(username=mobile)
    return mobile


def test_a_name_two_people_hold_logs_no_one_in(county):
    mobile = old_clash(county)

    assert post_login(Client(), mobile).status_code == 200


def test_the_check_command_lists_old_clashes(county, capsys):
    call_command("check_login_names")
    mobile = old_clash(county)

    with pytest.raises(CommandError, match="1 login names are held by two people"):
        call_command("check_login_names")

    out = capsys.readouterr().out
    assert out.splitlines() == [
        "No login name is held by two people.",
        f"{mobile}: {county.town_liaison.full_name} (id {county.town_liaison.pk}, username "
        f"liaison) and {county.other_liaison.full_name} (id {county.other_liaison.pk}, "
        f"username {mobile})",
    ]


def test_the_data_migration_gives_the_earlier_person_the_name_and_reports_the_clash(county, capsys):
    mobile = old_clash(county)
    LoginName.objects.all().delete()

    import_module("anxuan.orgs.migrations.0003_fill_login_names").fill(apps, None)

    holders = dict(LoginName.objects.values_list("name", "person_id"))
    assert holders[mobile] == county.town_liaison.pk
    assert holders["liaison"] == county.town_liaison.pk
    assert holders[county.other_liaison.mobile] == county.other_liaison.pk
    assert len(holders) == 2 * Person.objects.count() - 1  # all but the later one's username
    assert f"Login name '{mobile}' of person {county.other_liaison.pk}" in capsys.readouterr().out
