"""The cluster in its small form (issue 16): `anxuan cluster up` with two app nodes, one
worker, PostgreSQL primary and standby, Redis and SeaweedFS, each in its network namespace.
Liaisons file weekly reports with photos through the load balancer (by form upload and by
direct upload to the store) while one app node is killed with kill -9; afterwards every
accepted report is in the database with every photo, each photo's SHA-256 re-read from the
object store, and no photo's processing is stuck. An export is made by the worker node.

Marked `postgresql`: it runs once, in the PostgreSQL run of CI (the cluster has its own).
The full form with more nodes and every fault is a benchmark (bench/, docs/performance.md).
"""

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from anxuan_client import AnxuanError, Client
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from anxuan import cluster
from anxuan.demo import PASSWORD
from tests.e2e.browser import DESKTOP, PHONE, SCREENSHOTS

pytestmark = pytest.mark.postgresql

LIAISONS = 6
SITE = f"http://{cluster.LB.address}"
RETRYABLE = {502, 503, 504}  # the balancer's answers while a node goes away

PREPARE = """
import json
import django
django.setup()
from anxuan.api.services import create_token
from anxuan.campaigns import services as campaigns
from anxuan.orgs import services as orgs
from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.models import Organization, Person

office = Person.objects.get(username="office")
from django.utils import timezone
from anxuan.campaigns.models import Period
week = (Period.objects.filter(requirement__kind="weekly", opens_at__lte=timezone.now(),
                              requirement__campaign__owner__name="高台县")
        .order_by("-opens_at").first())
campaign = week.requirement.campaign
units = [
    orgs.create_organization(actor=office, name=f"集群企业{i}", kind=OrgKind.ENTERPRISE,
                             parent=Organization.objects.get(name="高台县"))
    for i in range(%(n)d)
]
people = [
    orgs.create_person(actor=office, username=f"cluster-{i}", full_name=f"联络员{i}",
                       mobile=None, organization=unit, role=Role.LIAISON, password="x" * 12)[0]
    for i, unit in enumerate(units)
]
campaigns.add_participants(actor=office, campaign=campaign, organizations=units,
                           joined_on=campaigns.work_starts_on(campaign))
print(json.dumps({
    "campaign": campaign.pk,
    "period": week.pk,
    "office": create_token(actor=office, name="cluster")[1],
    "liaisons": [
        {"username": p.username, "token": create_token(actor=p, name="cluster")[1],
         "participant": campaign.participants.get(organization=u).pk}
        for p, u in zip(people, units)
    ],
}))
"""

VERIFY = """
import hashlib, json, sys
import django
django.setup()
from django.core.files.storage import default_storage
from anxuan.reports.models import Attachment, DirectUpload, Submission

ids = json.loads(sys.argv[1])
out = {}
for submission in Submission.objects.filter(pk__in=ids):
    files = {}
    for attachment in Attachment.objects.filter(submission=submission):
        with default_storage.open(attachment.storage_name) as stored:
            files[attachment.original_name] = {
                "sha256": hashlib.sha256(stored.read()).hexdigest(),
                "processed": attachment.processed_at is not None,
            }
    out[submission.pk] = {"state": submission.state,
                          "versions": submission.versions.count(), "files": files,
                          "direct": DirectUpload.objects.filter(
                              submission=submission, attachment__isnull=False).count()}
print(json.dumps(out))
"""


def in_cluster(code: str, *args: str) -> str:
    """Python with the app nodes' settings, from this machine (the bridge reaches the nodes)."""
    env = {**cluster.node_env(cluster.APPS[0]), "PATH": os.environ["PATH"]}
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def nodes():
    if cluster.namespaces():
        pytest.fail("a cluster is up on this machine: `anxuan cluster down` first")
    with pytest.MonkeyPatch.context() as patch:
        state = Path(f"/var/tmp/anxuan-cluster-test-{os.getpid()}")  # noqa: S108 - postgres reads it
        patch.setattr(cluster, "STATE", state)
        try:
            cluster.up(apps=2, workers=1, demo=True)
            # one liaison more than the phones: the one in the browser
            yield json.loads(in_cluster(PREPARE % {"n": LIAISONS + 1}))
        finally:
            cluster.down()


def photo(path: Path, shade: int) -> str:
    """A JPEG of its own colour and noise, so that no two photos hash alike."""
    picture = Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3))
    picture.paste((shade, 90, 160), (0, 0, 160, 240))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return hashlib.sha256(buffer.getvalue()).hexdigest()


class Phone:
    """A liaison's phone: every write with one Idempotency-Key, sent again (as the app
    does) while the balancer answers 502/503/504 or the connection drops."""

    def __init__(self, token: str) -> None:
        self.client = Client(SITE, token, timeout=30)
        self.errors: list[str] = []  # what a person would have seen without the retries

    def retried(self, call, *args, **kwargs):
        for _attempt in range(20):
            try:
                return call(*args, **kwargs)
            except AnxuanError as error:
                if error.status not in RETRYABLE:
                    raise
                self.errors.append(f"{error.status}")
            except OSError as error:
                self.errors.append(type(error).__name__)
            self.client.close()
            time.sleep(0.25)
        raise AssertionError(f"no answer after 20 tries: {self.errors}")


def file_report(liaison: dict, period: int, folder: Path, index: int, out: dict) -> None:
    phone = Phone(liaison["token"])
    try:
        draft = phone.retried(
            phone.client.create_draft,
            participant_id=liaison["participant"],
            period_id=period,
            text="本周开展安全生产宣传咨询活动。",
            idempotency_key=str(uuid.uuid4()),
        )
        sent = {}
        for n, how in enumerate(("form", "direct")):
            path = folder / f"现场{index}-{n}.jpg"
            sent[path.name] = photo(path, 40 * index + n)
            if how == "form":
                phone.retried(
                    phone.client.upload, draft["id"], str(path), idempotency_key=str(uuid.uuid4())
                )
            else:
                phone.retried(phone.client.upload_direct, draft["id"], str(path))
        submitted = phone.retried(
            phone.client.submit, draft["id"], idempotency_key=str(uuid.uuid4())
        )
        out[draft["id"]] = {
            "version": submitted["version"]["number"],
            "attached": len(submitted["version"]["attachments"]),
            "sent": sent,
            "errors": phone.errors,
        }
    finally:
        phone.client.close()


def test_reports_through_the_balancer_lose_nothing_when_an_app_node_is_killed(nodes, tmp_path):
    results: dict[int, dict] = {}
    liaisons = list(enumerate(nodes["liaisons"][:LIAISONS]))
    with ThreadPoolExecutor(LIAISONS) as phones:

        def send(batch):
            return [
                phones.submit(file_report, liaison, nodes["period"], tmp_path, i, results)
                for i, liaison in batch
            ]

        for sent in send(liaisons[: LIAISONS // 2]):
            sent.result()
        second = send(liaisons[LIAISONS // 2 :])
        cluster.kill(cluster.APPS[0])  # mid-spike: half the phones are sending
        for sent in second:
            sent.result()  # a phone's failure, raised here

    errors = sum(len(r["errors"]) for r in results.values())
    print(f"client-visible errors before the phones' retries: {errors}")
    assert len(results) == LIAISONS
    assert {(r["version"], r["attached"]) for r in results.values()} == {(1, 2)}

    # Every accepted report, read back from the database and the object store.
    deadline = time.monotonic() + 120  # the worker makes each photo's thumbnail
    while True:
        stored = json.loads(in_cluster(VERIFY, json.dumps(list(results))))
        processed = all(f["processed"] for s in stored.values() for f in s["files"].values())
        if processed or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(stored) == LIAISONS
    for pk, result in results.items():
        report = stored[str(pk)]
        assert report["state"] == "submitted"
        assert report["versions"] == 1  # no half version, no second one from a retry
        assert {name: f["sha256"] for name, f in report["files"].items()} == result["sent"]
    assert processed, "a photo's processing is stuck"


def test_an_export_is_made_by_the_worker_node_and_downloaded_through_the_balancer(nodes, tmp_path):
    with contextlib.closing(Client(SITE, nodes["office"], timeout=60)) as office:
        target = office.export(nodes["campaign"], "statistics", str(tmp_path / "统计.xlsx"))
    sheet = load_workbook(target).active
    assert sheet.max_row > 2
    # Made by the worker node: the only consumer of the queue runs there.
    assert [
        node.name for node in cluster.ALL if any(consumes(pid) for pid in cluster.pids(node))
    ] == ["worker1"]


def consumes(pid: int) -> bool:
    try:
        return b"run_huey" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def logged_in(browser: Browser, viewport: dict, username: str, password: str) -> Page:
    page = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
    ).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{SITE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{SITE}/")
    return page


def test_in_the_browser_a_liaison_reports_with_photos_sent_straight_to_the_store(
    nodes, browser, tmp_path
):
    liaison = nodes["liaisons"][LIAISONS]
    phone = logged_in(browser, PHONE, liaison["username"], "x" * 12)
    phone.goto(f"{SITE}/reports/new/?participant={liaison['participant']}&period={nodes['period']}")
    phone.fill("#id_text", "本周在集市开展安全生产宣传咨询，发放资料二百份。")
    phone.click("button[name=save]")  # the draft first: its photos then go to the store
    expect(phone.locator("[data-direct]")).to_have_count(1)
    photos = [tmp_path / f"集市{n}.jpg" for n in range(2)]
    sent = {path.name: photo(path, 200 + n) for n, path in enumerate(photos)}
    phone.set_input_files("input[type=file]", [str(path) for path in photos])
    phone.click("button[name=submit]")

    phone.wait_for_url(f"{SITE}/reports/*/")
    expect(phone.locator("body")).to_contain_text("已提交")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "cluster-report-direct.png"), full_page=True)
    pk = phone.url.rstrip("/").rsplit("/", 1)[-1]
    report = json.loads(in_cluster(VERIFY, json.dumps([int(pk)])))[pk]
    assert (report["state"], report["versions"]) == ("submitted", 1)
    assert {name: f["sha256"] for name, f in report["files"].items()} == sent
    assert report["direct"] == 2  # both came by presigned PUT, not through the app


def test_in_the_browser_the_office_downloads_an_export_the_worker_made(nodes, browser):
    office = logged_in(browser, DESKTOP, "office", PASSWORD)
    office.goto(f"{SITE}/campaigns/{nodes['campaign']}/statistics/")
    with office.expect_download(timeout=60_000) as download:
        office.click("#download-xlsx")  # the export's page waits for the worker, then downloads
    expect(office.locator("#export [data-field=label]")).to_have_text("已完成")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.max_row > 2


def test_with_no_app_node_up_the_balancer_answers_a_page_in_chinese(nodes, browser):
    cluster.kill(cluster.APPS[1])  # app1 is down since the first test
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    deadline = time.monotonic() + 30  # the health check takes app2 out within 10 s
    while (answer := page.goto(f"{SITE}/")).status != 503 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert answer.status == 503
    expect(page.locator("h1")).to_have_text("系统暂时无法访问")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / "cluster-503.png"))
