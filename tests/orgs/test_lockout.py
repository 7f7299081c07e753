"""Failed logins lock the account whichever name was typed, and the address whatever names
it tries, for longer each time; every login, failure and lockout is an audit row with the
address (issue 12, items 7 and 15)."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anxuan.core.models import AuditEntry
from anxuan.orgs.models import Person
from tests import factories


def post_login(client: Client, username: str, password: str = factories.PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def lock(settings, name: str, **extra) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, name, "wrong", **extra)


def test_a_locked_account_cannot_log_in_by_its_mobile_either(county, settings):
    lock(settings, "liaison", REMOTE_ADDR="10.0.0.1")

    response = post_login(Client(), county.town_liaison.mobile, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_failures_by_mobile_and_by_username_count_against_one_account(county, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        name = "liaison" if i % 2 else county.town_liaison.mobile
        post_login(client, name, "wrong", REMOTE_ADDR=f"10.0.1.{i}")

    assert post_login(Client(), "liaison", REMOTE_ADDR="10.0.2.1").status_code == 429


def test_many_usernames_from_one_address_are_locked_out(county):
    client = Client()
    for i in range(25):
        post_login(client, f"guess{i}", "wrong", REMOTE_ADDR="10.0.0.9")

    from_there = post_login(Client(), "office", REMOTE_ADDR="10.0.0.9")
    from_elsewhere = post_login(Client(), "office", REMOTE_ADDR="10.0.0.10")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302


def test_the_lockout_grows_longer_each_time(county, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    lock(settings, "liaison")
    first = post_login(Client(), "liaison")
    time_machine.shift(timedelta(minutes=16))
    after_first = post_login(Client(), "liaison")

    lock(settings, "liaison")
    second = post_login(Client(), "liaison")
    time_machine.shift(timedelta(minutes=16))
    still = post_login(Client(), "liaison")
    time_machine.shift(timedelta(minutes=15))
    after_second = post_login(Client(), "liaison")

    assert (first.status_code, after_first.status_code) == (429, 302)
    assert "15 分钟" in first.content.decode()
    assert (second.status_code, still.status_code, after_second.status_code) == (429, 429, 302)
    assert "30 分钟" in second.content.decode()


def test_logins_failures_and_lockouts_are_audited_with_the_address(county, settings):
    liaison = county.town_liaison
    post_login(Client(), liaison.mobile, REMOTE_ADDR="10.0.3.1")
    post_login(Client(), "nobody", "wrong", REMOTE_ADDR="10.0.3.2")
    lock(settings, "liaison", REMOTE_ADDR="10.0.3.3")
    post_login(Client(), "liaison", REMOTE_ADDR="10.0.3.3")  # refused while locked: no row

    rows = [
        (e.action, e.actor_id, e.target_id, e.data["address"], e.data["account"])
        for e in AuditEntry.objects.filter(action__startswith="login.").order_by("id")
    ]
    failures = [("login.failure", None, str(liaison.pk), "10.0.3.3", "liaison")] * (
        settings.AXES_FAILURE_LIMIT
    )
    assert rows == [
        ("login.success", liaison.pk, str(liaison.pk), "10.0.3.1", "liaison"),
        ("login.failure", None, "", "10.0.3.2", "nobody"),
        *failures,
        ("login.lockout", None, str(liaison.pk), "10.0.3.3", "liaison"),
    ]


def test_the_admin_finds_the_logins_of_an_address(county, client):
    post_login(Client(), "liaison", "wrong", REMOTE_ADDR="10.0.4.4")
    admin = Person.objects.create_superuser(username="root", password=factories.PASSWORD)
    client.force_login(admin, backend="anxuan.orgs.auth.UsernameOrMobileBackend")

    page = client.get(reverse("admin:core_auditentry_changelist"), {"q": "10.0.4.4"})

    assert page.status_code == 200
    assert "liaison · 10.0.4.4" in page.content.decode()
