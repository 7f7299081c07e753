"""The new accounts' initial passwords, offered at import time as a printable sheet and an
.xlsx: to the importing office in its own session only, for a working day at most."""

import io
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anxuan.orgs import tasks
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Person
from tests import factories
from tests.orgs.test_import_privacy import upload

UNITS = [
    ["新坝镇", "", "乡镇（街道）", "620724106", "赵敏", "13912345678"],
    ["新坝镇中心小学", "新坝镇", "学校", "", "钱伟", "13912345679"],
    ["县水务局", "", "成员单位", "", "", ""],
]
CHANGE = "首次登录后请立即修改密码"


def imported(client: Client, county) -> str:
    """Import UNITS through the pages; returns the page shown after the confirm."""
    client.post(reverse("orgs:org_import", args=[county.county.pk]), {"file": upload(UNITS)})
    done = client.post(reverse("orgs:org_import_confirm", args=[county.county.pk]))
    assert done.status_code == 200
    return done.content.decode()


def links(done: str) -> tuple[str, str]:
    sheet = re.search(r'href="(/orgs/\d+/import/sheets/[\w-]+/)"', done)
    workbook = re.search(r'href="(/orgs/\d+/import/sheets/[\w-]+\.xlsx)"', done)
    assert sheet is not None, "the import page offers the sheet"
    assert workbook is not None, "the import page offers the workbook"
    return sheet.group(1), workbook.group(1)


def test_the_import_offers_the_initial_passwords_as_a_workbook_and_a_printable_sheet(county, login):
    client = login(county.office_admin)
    sheet_url, xlsx_url = links(imported(client, county))

    content = client.get(xlsx_url)
    rows = list(load_workbook(io.BytesIO(content.content)).active.iter_rows(values_only=True))
    accounts = [r for r in rows if r[0] in ("新坝镇", "新坝镇中心小学")]
    assert [r[:3] for r in accounts] == [
        ("新坝镇", "赵敏", "13912345678"),
        ("新坝镇中心小学", "钱伟", "13912345679"),
    ]
    for _unit, _name, username, password in accounts:
        assert Person.objects.get(username=username).check_password(password)
    assert any("http://testserver/accounts/login/" in str(r[0]) for r in rows)
    assert any(CHANGE in str(r[0]) for r in rows)
    sheet = client.get(sheet_url)
    page = sheet.content.decode()
    assert sheet.status_code == 200
    assert page.count('class="slip"') == 2
    for unit, name, username, password in accounts:
        slip = next(s for s in page.split('class="slip"')[1:] if username in s)
        for text in (unit, name, password, "http://testserver/accounts/login/", CHANGE):
            assert text in slip
    assert "print-sheet.css" in page


def test_only_the_importing_office_in_its_own_session_sees_the_passwords(county, login):
    sheet_url, xlsx_url = links(imported(login(county.office_admin), county))
    other_admin = factories.person(county.county, Role.OFFICE_ADMIN, "office2")
    cases = [
        (other_admin, 404),  # the same office, another session: not theirs to see
        (county.office_staff, 403),  # sees the county, may not manage it
        (county.outsider, 404),  # another county's office
        (county.town_liaison, 404),
    ]

    for person, status in cases:
        someone = Client()
        someone.force_login(person, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
        assert [someone.get(sheet_url).status_code, someone.get(xlsx_url).status_code] == [
            status,
            status,
        ], person.username
    anonymous = Client().get(sheet_url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))


def test_the_office_can_forget_the_passwords_at_once(county, login):
    client = login(county.office_admin)
    sheet_url, xlsx_url = links(imported(client, county))

    forgotten = client.post(sheet_url + "forget/")

    assert forgotten.status_code == 302
    assert [client.get(sheet_url).status_code, client.get(xlsx_url).status_code] == [404, 404]


def test_the_passwords_are_gone_after_a_working_day(county, login, time_machine, settings):
    settings.SESSION_IDLE_MINUTES = 9 * 60  # the office's session outlasts the sheet here
    time_machine.move_to(timezone.now(), tick=False)
    client = login(county.office_admin)
    sheet_url, _xlsx = links(imported(client, county))

    time_machine.shift(timedelta(hours=8, minutes=1))

    assert client.get(sheet_url).status_code == 404


def test_the_worker_removes_the_passwords_from_the_stored_session(county, login):
    client = login(county.office_admin)
    sheet_url, _xlsx = links(imported(client, county))
    token = sheet_url.rstrip("/").rsplit("/", 1)[1]
    key = client.session.session_key
    store = import_module(settings.SESSION_ENGINE).SessionStore

    tasks.forget_password_sheet.call_local(key, token)
    tasks.forget_password_sheet.call_local(key, token)  # safe to run twice

    assert "13912345678" not in str(store(key).load())
    assert client.get(sheet_url).status_code == 404


@pytest.mark.parametrize("rows", [[["县水务局", "", "成员单位", "", "", ""]]])
def test_an_import_without_new_accounts_offers_no_sheet(county, login, rows):
    client = login(county.office_admin)
    client.post(reverse("orgs:org_import", args=[county.county.pk]), {"file": upload(rows)})

    done = client.post(reverse("orgs:org_import_confirm", args=[county.county.pk]))

    assert "/import/sheets/" not in done.content.decode()
