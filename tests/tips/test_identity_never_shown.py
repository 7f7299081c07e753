"""Security tests of issue 15: a reporter's name and mobile appear in no page, file, admin
page, log record or database dump, for any role, except in the custodian's reveal answer;
every reveal writes an access-log row; no address of a public reporter is stored.

To cover a new page, add its url name to PAGES (or to NOT_PAGES with the reason it is
checked elsewhere); an API endpoint or an export goes in API with how to call it.
`test_every_tips_url_is_covered` fails until it is listed."""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from anxuan.core import processing, public, ratelimit
from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import Role
from anxuan.orgs.models import Person
from anxuan.tips import custody, evidence
from anxuan.tips import services as tip_services
from anxuan.tips.models import IdentityAccess, Tip, TipFile
from tests import factories
from tests.conftest import close_response
from tests.tips.test_evidence import phone_jpeg

NAME, MOBILE = "王强", "13912345678"
ADDRESS = "203.0.113.77"
PASSWORD = factories.PASSWORD


@dataclass
class World:
    county: object
    tip: Tip  # filed through the service, with a photo
    web_tip: Tip  # filed through the public form
    photo: TipFile
    city_admin: Person
    superuser: Person


# url name -> its arguments in a world. Every GET page of the tips app for people of the
# offices; each is fetched by every persona (most answer 403 or 404: the body still counts).
PAGES: dict[str, Callable[[World], list[object]]] = {
    "tips:inbox": lambda w: [],
    "tips:tip_detail": lambda w: [w.tip.pk],
    "tips:enter_tip": lambda w: [],
    "tips:tip_stats": lambda w: [],
    "tips:tip_stats_xlsx": lambda w: [],
    "tips:reward_tables": lambda w: [w.tip.office_id],
    "tips:reward_table_new": lambda w: [w.tip.office_id],
    "tips:tip_reward": lambda w: [w.tip.pk],
    "tips:custodian": lambda w: [w.tip.office_id],
    "tips:identity_log": lambda w: [w.tip.office_id],
    "tips:tip_file": lambda w: [w.photo.pk],
    "tips:tip_file_thumb": lambda w: [w.photo.pk],
    "tips:recover": lambda w: [],  # public, the lost-receipt page
    "tips:places": lambda w: [],  # public, the place cascade's choices
    "tips:rules": lambda w: [w.tip.office_id],
}
# Tips urls not fetched as pages above, and where they are checked.
NOT_PAGES = {
    "tips:file_tip": "the public form: filed through below, its receipt page read",
    "tips:follow_tip": "the public follow-up: opened below with the receipt",
    "tips:captcha": "an image of five letters",
    "tips:reporter_step": "the reporter's POSTs from the follow-up page",
    "tips:tip_step": "the office's POSTs from the tip page",
    "tips:reward_notice": "POST of the reward page",
    "tips:reward_claimed": "POST of the reward page",
    "tips:reward_paid": "POST of the reward page",
    "tips:identity_reveal": "the custodian's reveal: the one answer with the identity",
}
# (label, how to call it with a logged-in client) for the API endpoints and exports of tips.
API: list[tuple[str, Callable[[Client, World], bytes]]] = []
PERSONAS = [
    "office_admin",
    "office_staff",  # the custodian
    "town_liaison",
    "other_liaison",
    "reviewer",
    "expert",
    "outsider",
]


def needles() -> list[bytes]:
    """The identity as a page, a file, JSON or a log line could hold it."""
    found = []
    for value in (NAME, MOBILE):
        found += [value.encode(), json.dumps(value).strip('"').encode()]
    return found


def leaks(body: bytes) -> list[bytes]:
    """The forms of the identity in a response body (a zip, .xlsx say, read inside)."""
    parts = [body]
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    return [n for n in needles() if any(n in part for part in parts)]


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
        close_response(response)
        return content
    return response.content


def as_(person) -> Client:
    client = Client()
    client.force_login(person, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
    return client


def solved(client: Client) -> str:
    client.get(reverse("tips:captcha"))
    return client.session["captcha"]["answer"]


def file_on_the_web(county) -> tuple[Tip, str, str]:
    """A tip with the identity sent through the public form; its receipt and passphrase."""
    public_client = Client(REMOTE_ADDR=ADDRESS)
    passphrase = "my-own-passphrase"
    answer = public_client.post(
        reverse("tips:file_tip"),
        {
            "category": "major_hazard",
            "place": county.town.pk,
            "address": "城关镇工业园区 3 号",
            "target": "某化工有限公司",
            "seen_on": "2026-06-10",
            "description": "夜间在罐区违规动火作业，无人监护。",
            "name": NAME,
            "mobile": MOBILE,
            "passphrase": passphrase,
            "captcha": solved(public_client),
        },
    )
    assert answer.status_code == 200, answer.content.decode()[:2000]
    page = answer.content.decode()
    assert leaks(answer.content) == []  # the receipt page
    receipt = page.split('id="receipt-code">')[1].split("<")[0]
    return Tip.objects.latest("pk"), receipt, passphrase


@pytest.fixture
def world(county, django_capture_on_commit_callbacks) -> World:
    web_tip, receipt, passphrase = file_on_the_web(county)
    filed = tip_services.file_tip(
        place=county.town,
        address="工业园区 3 号",
        target="某化工厂",
        category="major_hazard",
        description="夜间违规动火作业",
        name=NAME,
        mobile=MOBILE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        (photo,) = evidence.attach(filed.tip, [phone_jpeg()], from_reporter=True)
    processing.process_by_label("tips.TipFile", photo.pk)
    photo.refresh_from_db()
    custody.name_custodian(
        actor=county.office_admin, office=county.county, person=county.office_staff
    )
    follower = Client(REMOTE_ADDR=ADDRESS)
    opened = follower.post(
        reverse("tips:follow_tip"),
        {"receipt": receipt, "passphrase": passphrase, "captcha": solved(follower)},
    )
    assert opened.status_code == 200
    assert leaks(opened.content) == []  # the reporter's own page names nobody either
    return World(
        county=county,
        tip=filed.tip,
        web_tip=web_tip,
        photo=photo,
        city_admin=factories.person(county.county.parent, Role.OFFICE_ADMIN, "city"),
        superuser=get_user_model().objects.create_superuser("root", password=PASSWORD),
    )


def people(world: World) -> dict[str, Person]:
    found = {name: getattr(world.county, name) for name in PERSONAS}
    return found | {"city_admin": world.city_admin, "superuser": world.superuser}


def admin_urls(world: World) -> list[str]:
    """The Django admin's pages of every tips model it registers, and of the audit log."""
    urls = []
    for model in admin.site._registry:
        label = model._meta.app_label
        if label != "tips" and model is not AuditEntry:
            continue
        name = f"admin:{label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        rows = model._default_manager.all()
        if model is AuditEntry:
            rows = rows.filter(target_type__startswith="tips.")
        urls += [reverse(f"{name}_change", args=[pk]) for pk in rows.values_list("pk", flat=True)]
    return urls


def test_every_tips_url_is_covered():
    names = {f"tips:{p.name}" for p in get_resolver("anxuan.tips.urls").url_patterns}

    assert names == set(PAGES) | set(NOT_PAGES)


def test_the_identity_is_in_no_page_file_log_or_dump_but_the_custodians_reveal(
    world, caplog, settings
):
    caplog.set_level("DEBUG")
    caplog.set_level("DEBUG", logger="django")  # Django's own loggers stop at INFO
    connection.force_debug_cursor = True  # every SQL statement and its values logged too
    try:
        seen: dict[str, list[bytes]] = {}
        for who, person in people(world).items():
            client = as_(person)
            for name, args in PAGES.items():
                url = reverse(name, args=args(world))
                seen[f"{who} {url}"] = leaks(body_of(client.get(url)))
            for label, call in API:
                seen[f"{who} {label}"] = leaks(call(client, world))
            if who == "office_staff":
                continue  # the custodian's reveals are below
            for tip in (world.tip, world.web_tip):
                refused = client.post(
                    reverse("tips:identity_reveal", args=[tip.pk]), {"reason": "核实"}
                )
                assert refused.status_code in (403, 404), who
                seen[f"{who} reveal {tip.pk}"] = leaks(refused.content)
        superuser = as_(world.superuser)
        for url in admin_urls(world):
            response = superuser.get(url)
            assert response.status_code == 200, url
            seen[f"admin {url}"] = leaks(response.content)
        for url in (reverse("tips:inbox"), reverse("tips:tip_detail", args=[world.tip.pk])):
            seen[f"anonymous {url}"] = leaks(Client().get(url, follow=True).content)

        custodian = as_(world.county.office_staff)
        reveals = [
            custodian.post(reverse("tips:identity_reveal", args=[tip.pk]), {"reason": reason})
            for tip, reason in (
                (world.tip, "核实举报人身份"),
                (world.web_tip, "发放奖励前核对"),
                (world.tip, "联系举报人补充材料"),
            )
        ]
    finally:
        connection.force_debug_cursor = False

    assert {where: found for where, found in seen.items() if found} == {}
    assert len(seen) > 100
    for answer in reveals:
        assert answer.status_code == 200
        assert answer["Cache-Control"] == "no-store"
        assert NAME.encode() in answer.content
        assert MOBILE.encode() in answer.content
    assert IdentityAccess.objects.count() == len(reveals)  # every reveal, none else
    assert [(a.tip_id, a.person_id) for a in IdentityAccess.objects.order_by("pk")] == [
        (world.tip.pk, world.county.office_staff.pk),
        (world.web_tip.pk, world.county.office_staff.pk),
        (world.tip.pk, world.county.office_staff.pk),
    ]
    logged = [f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records]
    assert any("INSERT" in line for line in logged)  # the SQL was captured
    assert [line for line in logged if NAME in line or MOBILE in line] == []

    dumped = io.StringIO()
    call_command("dumpdata", stdout=dumped)
    assert [n for n in needles() if n.decode() in dumped.getvalue()] == []
    assert ADDRESS not in dumped.getvalue()
    assert public.address_hash(ADDRESS) not in dumped.getvalue()
    tables = connection.introspection.table_names()
    assert {"tips_tip", "tips_tipfile", "tips_identityaccess", "anxuan_cache"} <= set(tables)
    raw = []
    with connection.cursor() as cursor:
        for table in tables:  # SELECT * of every table, tips_* and all the others
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            raw += [cell for row in cursor.fetchall() for cell in row]
    as_bytes = [bytes(c) if isinstance(c, bytes | memoryview) else str(c).encode() for c in raw]
    for needle in [*needles(), ADDRESS.encode(), public.address_hash(ADDRESS).encode()]:
        assert [c for c in as_bytes if needle in c] == [], needle
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            assert leaks(path.read_bytes()) == [], path


def test_no_address_of_a_public_reporter_is_kept(county):
    file_on_the_web(county)

    rows = AuditEntry.objects.filter(action__startswith="tips.")
    assert rows.count() >= 3  # the form, the captcha, the sending, the tip filed
    assert set(rows.values_list("address_hash", flat=True)) == {""}
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM anxuan_cache")
        cached = repr(cursor.fetchall())
    assert ADDRESS not in cached
    assert public.address_hash(ADDRESS) not in cached


def test_the_rate_limit_key_is_salted_and_nothing_of_it_outlives_a_day(county, rf):
    request = rf.get("/", REMOTE_ADDR=ADDRESS)
    first = public.salted_address("public:tips.file", request)
    assert first == public.salted_address("public:tips.file", request)
    assert first != public.address_hash(ADDRESS)
    v6 = [rf.get("/", REMOTE_ADDR=f"2001:db8:1:2::{n}") for n in (1, 2)]
    assert len({public.salted_address("g", r) for r in v6}) == 1  # one /64, one key
    file_on_the_web(county)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM anxuan_cache")
        assert cursor.fetchone()[0] > 0

    with time_machine.travel(timezone.now() + timedelta(hours=24)):
        ratelimit.purge_expired()
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM anxuan_cache")
            left = [key for (key,) in cursor.fetchall()]
        assert [k for k in left if "rate:" in k or public.SALT_KEY in k] == []
        assert public.salted_address("public:tips.file", request) != first  # a new salt
