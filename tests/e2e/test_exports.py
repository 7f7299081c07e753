"""A long export on the office's screen: the page shows it waiting, follows the worker's
progress and starts the download by itself when the file is ready."""

import io
import zipfile
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, log_in, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_export_page_follows_the_worker_and_downloads_the_file(live_server, county, browser):
    HUEY.immediate = False
    HUEY.flush()
    office = open_page(browser, DESKTOP)
    log_in(office, live_server.url, "office")
    office.goto(f"{live_server.url}/campaigns/{county.campaign.pk}/")

    office.click("button[name=kind][value=evidence]")

    expect(office.locator("#export [data-field=label]")).to_have_text("等待中")
    expect(office.locator("#export")).to_contain_text("文件正在后台生成")
    expect(office.locator("#download")).to_be_hidden()
    shot(office, "export-waiting")
    with office.expect_download() as download:
        HUEY.execute(HUEY.dequeue())  # the worker picks the job up
    expect(office.locator("#export [data-field=label]")).to_have_text("已完成")
    expect(office.locator("#download")).to_be_visible()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert archive.namelist() == ["manifest.csv"]  # nothing reported yet: an empty manifest
    assert download.value.suggested_filename == "2026年“安全生产月”活动-佐证材料.zip"
