"""Named personas for permission stories, on a small county like the demo's."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.core.cache import cache
from django.test import Client
from huey.contrib.djhuey import HUEY
from playwright.sync_api import Browser, sync_playwright

from anxuan.campaigns import services as campaign_services
from anxuan.campaigns.models import Campaign, Participant
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Organization, Person
from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Argon2 is deliberately slow; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run without `collectstatic`; the live server serves assets from the apps.
    # Uploaded evidence goes to a fresh folder per test.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def object_store():
    """A SeaweedFS S3 store of the test run's own (started once, on free ports)."""
    from anxuan.core.seaweed import SeaweedFS

    store = SeaweedFS().start()
    yield store
    store.stop()


@pytest.fixture
def s3_storage(object_store, settings):
    """Every file of the test in the object store, under a prefix of its own: the
    deployment of a cluster (S3_ENDPOINT_URL set)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**object_store.options(), "location": f"t-{uuid.uuid4().hex}"},
        },
    }
    settings.S3_PUBLIC_URL = object_store.endpoint
    return object_store


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate limits count in the database's cache table, which Django's flush after a
    transactional test (live server, threads) leaves as it was: every test that uses the
    database starts from no counts."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if transactional or marker or "db" in request.fixturenames:
        request.getfixturevalue("transactional_db" if transactional else "db")
        cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once():
    """Background tasks run in the request that queues them; tests/reports/test_tasks.py
    runs them through the real queue instead."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def worker(transactional_db):
    """The real queue: tasks wait in Huey's storage until `run()` executes them."""
    HUEY.immediate = False
    HUEY.flush()

    def run() -> int:
        done = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            done += 1
        return done

    yield run
    HUEY.flush()


@dataclass
class County:
    county: Organization
    town: Organization
    other_town: Organization
    department: Organization
    enterprise: Organization  # below `town`
    office_admin: Person
    office_staff: Person
    town_liaison: Person
    other_liaison: Person
    reviewer: Person
    expert: Person
    outsider: Person  # office admin of another county
    campaign: Campaign
    participant: Participant  # `town` in `campaign`
    other_participant: Participant  # `other_town` in `campaign`


def shared_catalogue() -> None:
    """The shared indicators come from a data migration; a transactional test's flush
    removes them for the tests after it, so put them back the way the migration does."""
    from django.apps import apps

    if not apps.get_model("campaigns", "Indicator").objects.filter(owner=None).exists():
        import_module("anxuan.campaigns.migrations.0003_shared_indicator_catalogue").seed(
            apps, None
        )


@pytest.fixture
def county(db) -> County:
    shared_catalogue()
    province = factories.org("甘肃省", OrgKind.PROVINCE, code="620000")
    city = factories.org("张掖市", OrgKind.CITY, province, "620700")
    county = factories.org("高台县", OrgKind.COUNTY, city, "620724")
    elsewhere = factories.org("临泽县", OrgKind.COUNTY, city, "620723")
    town = factories.org("城关镇", OrgKind.TOWN, county, "620724100")
    other_town = factories.org("宣化镇", OrgKind.TOWN, county, "620724101")
    department = factories.org("县交通运输局", OrgKind.DEPARTMENT, county)
    enterprise = factories.org("高台县鑫源化工有限公司", OrgKind.ENTERPRISE, town)
    office_admin = factories.person(county, Role.OFFICE_ADMIN, "office")
    campaign = factories.safety_month(office_admin, county)
    campaign_services.add_participants(
        actor=office_admin,
        campaign=campaign,
        organizations=[town, other_town, department],
        joined_on=campaign_services.work_starts_on(campaign),
    )
    return County(
        county=county,
        town=town,
        other_town=other_town,
        department=department,
        enterprise=enterprise,
        office_admin=office_admin,
        office_staff=factories.person(county, Role.OFFICE_STAFF, "staff"),
        town_liaison=factories.person(town, Role.LIAISON, "liaison"),
        other_liaison=factories.person(other_town, Role.LIAISON, "liaison2"),
        reviewer=factories.person(county, Role.REVIEWER, "reviewer"),
        expert=factories.person(county, Role.EXPERT, "expert"),
        outsider=factories.person(elsewhere, Role.OFFICE_ADMIN, "outsider"),
        campaign=campaign,
        participant=campaign.participants.get(organization=town),
        other_participant=campaign.participants.get(organization=other_town),
    )


@pytest.fixture
def login(client: Client):
    """Log the test client in as a person; returns the client."""

    def as_(person: Person) -> Client:
        client.force_login(person, backend="anxuan.orgs.auth.UsernameOrMobileBackend")
        return client

    return as_


def close_response(response) -> None:
    """Close a (streaming) response the way Django's test client closes the others: without
    letting request_finished close the database connection inside the test's transaction."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def city(county):
    """The city's Safety Month, with the county (and its neighbour) taking part."""
    city_org = county.county.parent
    office = factories.person(city_org, Role.OFFICE_ADMIN, "city")
    campaign = factories.safety_month(office, city_org)
    neighbour = county.outsider.memberships.get().organization
    campaign_services.add_participants(
        actor=office,
        campaign=campaign,
        organizations=[county.county, neighbour],
        joined_on=campaign_services.work_starts_on(campaign),
    )
    return campaign


@pytest.fixture
def linked(county, city):
    return campaign_services.create_linked_campaign(
        actor=county.office_admin, parent=city, owner=county.county
    )


@pytest.fixture
def county_campaign(county, linked):
    """The county's campaign under the city's, with its two towns taking part."""
    campaign_services.add_participants(
        actor=county.office_admin,
        campaign=linked,
        organizations=[county.town, county.other_town],
        joined_on=campaign_services.work_starts_on(linked),
    )
    return linked


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked `postgresql` are not collected on SQLite: reported as deselected."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    keep = [item for item in items if "postgresql" not in item.keywords]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


# One Chromium for the whole run (e2e and the cluster's browser tests): Playwright's sync API
# allows one instance per thread.
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--lang=zh-CN",
            ],
        )
        yield browser
        browser.close()
