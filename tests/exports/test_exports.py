"""Exports the office hands upward, made by the background worker with their progress shown:
the statistics table, the board, the summary and the evidence package."""

import csv
import hashlib
import io
import zipfile
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from docx import Document
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.core import gongwen
from anxuan.dashboards.charts import Chart, Series
from anxuan.exports import services
from anxuan.exports.enums import JobState
from anxuan.exports.models import ExportJob
from anxuan.exports.summary import add_charts, summary_docx
from anxuan.reports.models import Attachment
from tests import factories
from tests.conftest import close_response
from tests.core.test_gongwen import assert_gongwen_layout
from tests.reports import evidence
from tests.reports.test_views import new_url, report_form
from tests.rollup.test_board import AFTER_JUNE, statistics_submission, submit, weekly  # noqa: F401


def export(client, campaign, kind: str, **options) -> tuple[ExportJob, bytes]:
    """Start an export as the office does (the job runs when the request commits), then
    download its file."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("exports:export_start", args=[campaign.pk]), {"kind": kind, **options}
        )
    job = ExportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert response.url == reverse("exports:export_job", args=[job.pk])
    download = client.get(reverse("exports:export_download", args=[job.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    close_response(download)
    return job, content


def report_with_photo(county, login, *files):
    week1 = factories.weekly_period(county.campaign)
    with TestCase.captureOnCommitCallbacks(execute=True):  # thumbnails are made after commit
        login(county.town_liaison).post(
            new_url(county.participant, week1),
            {**report_form(submit="1"), "files": list(files) or [evidence.jpeg()]},
        )


def test_statistics_xlsx_totals_equal_the_sum_of_the_rows(county, login):
    statistics_submission(
        county, county.participant, county.town_liaison, {"宣传展板": "5", "培训人数": "120"}
    )
    statistics_submission(
        county, county.other_participant, county.other_liaison, {"宣传展板": "3", "培训人数": "45"}
    )

    job, content = export(
        login(county.office_admin), county.campaign, "statistics", basis="submitted"
    )

    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    body, totals = {row[0]: row[1:] for row in rows[:-2]}, rows[-2]
    assert sheet["A1"].value == "2026年“安全生产月”活动　进展情况统计表"
    assert totals[0] == "合计"
    assert body["县交通运输局"] == ("未报送",) * (len(totals) - 1)  # it sent no figures
    for column in range(1, len(totals)):
        assert totals[column] == body["城关镇"][column - 1] + body["宣化镇"][column - 1]
    assert rows[-1][:2] == ("未报送单位", "1 个：县交通运输局")
    assert totals[1] == 8
    assert sheet.freeze_panes == "B5"
    assert sheet.page_setup.orientation == "landscape"
    assert (job.state, job.done, job.total, job.percent) == ("done", 4, 4, 100)
    assert services.download_name(job) == "2026年“安全生产月”活动-进展情况统计表.xlsx"


def test_board_exports_to_excel_with_the_pages_filters(county, login, weekly):  # noqa: F811
    submit(county.town_liaison, county.participant, weekly.periods.first(), day=4, hour=11)

    with time_machine.travel(AFTER_JUNE, tick=False):
        _, content = export(
            login(county.office_admin),
            county.campaign,
            "board",
            requirement=str(weekly.pk),
            only="missing",
        )

    sheet = load_workbook(io.BytesIO(content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert sheet["A1"].value == "2026年“安全生产月”活动　报送情况"
    heads = [c.value for c in sheet[3]][1:5]
    assert heads == [
        "第1周（6月4日截止）",
        "第2周（6月11日截止）",
        "第3周（6月18日截止）",
        "第4周（6月25日截止）",
    ]
    assert rows["城关镇"][1:5] == ("按时", "缺报", "缺报", "缺报")
    assert rows["城关镇"][5] == 0.25
    assert len(rows) == 4  # three units with a missing week and the totals row


def test_summary_docx_has_the_figures_tables_and_highlighted_photos(county, login):
    report_with_photo(county, login)
    photo = Attachment.objects.get()
    office = login(county.office_admin)
    office.post(reverse("reports:attachment_highlight", args=[photo.pk]), {"highlight": "1"})

    with time_machine.travel(datetime(2026, 7, 2, 7, 30, tzinfo=SHANGHAI), tick=False):
        _, content = export(office, county.campaign, "summary")

    document = Document(io.BytesIO(content))
    # A 公文 the county can send upward as it is, dated on the Shanghai day it was made.
    assert_gongwen_layout(document, office="高台县“安全生产月”活动组委会办公室", day="2026年7月2日")
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "2026年“安全生产月”活动总结"
    assert document.paragraphs[0].style.name == "Title"
    assert "参加单位 3 个" in text
    types = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert types == [["活动类型", "场次"], ["安全宣传咨询日", "1"]]
    columns = [[c.text for c in row.cells] for row in document.tables[2].rows]
    assert columns[:2] == [["指标", "单位", "合计"], ["宣传展板", "块", "0"]]
    assert "未报送统计数据的单位 3 个：城关镇、宣化镇、县交通运输局。" in text  # no figures yet
    units = {row.cells[0].text: row.cells[3].text for row in document.tables[3].rows[1:]}
    assert set(units) == {"城关镇", "宣化镇", "县交通运输局"}
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == [
        "图1　各期报送率与及时率",
        "图2　各单位报送率排名",
        "图3　未报送份数",
        "图4　活动开展场次排名",
        "图5　活动类型分布",
        "图6　“七进”领域分布",
        "图7　逐周活动与指标走势",
    ]
    assert len(document.inline_shapes) == len(captions) + 1  # the charts and the photo
    assert Attachment.objects.get().highlight


def test_add_charts_puts_a_picture_and_a_caption_per_chart():
    rates = Chart("rates", "各镇报送率", "bar", ["城关镇"], [Series("报送率", [87.5])], "%")
    types = Chart("types", "七进活动场次", "hbar", ["进企业"], [Series("场次", [42])], "场")
    document = gongwen.new_document()

    add_charts(document, [rates, types])

    assert len(document.inline_shapes) == 2
    assert [round(shape.width.cm, 1) for shape in document.inline_shapes] == [15.0, 15.0]
    assert [p.text for p in document.paragraphs if p.text] == [
        "图1　各镇报送率",
        "图2　七进活动场次",
    ]


def test_summary_docx_places_given_charts_after_the_headline_figures(county):
    towns = ["城关镇", "宣化镇"]
    rates = Chart("rates", "各单位报送率", "bar", towns, [Series("报送率", [50, 0])], "%")
    out = io.BytesIO()

    summary_docx(county.campaign, out, charts=[rates])

    document = Document(io.BytesIO(out.getvalue()))
    texts = [p.text for p in document.paragraphs]
    figures = texts.index("一、总体情况") + 1
    assert texts[figures + 1 : figures + 4] == ["", "图1　各单位报送率", "二、活动开展情况"]
    assert len(document.inline_shapes) == 1


def test_evidence_package_holds_every_file_with_a_manifest_of_checksums(county, login):
    report_with_photo(county, login, evidence.jpeg(), evidence.pdf())
    attachments = {a.sha256: a for a in Attachment.objects.all()}

    job, content = export(login(county.office_admin), county.campaign, "evidence")

    archive = zipfile.ZipFile(io.BytesIO(content))
    names = sorted(n for n in archive.namelist() if n != "manifest.csv")
    assert all(n.startswith("城关镇/第1周/") for n in names)
    assert sorted(n.split("-", 1)[1] for n in names) == ["方案.pdf", "现场.jpg"]
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0][:5] == ["单位", "报送事项", "期次", "文件", "SHA-256"]
    for row in manifest[1:]:
        assert hashlib.sha256(archive.read(row[3])).hexdigest() == row[4]
        assert row[4] in attachments
    assert (job.done, job.total) == (2, 2)


# The worker opens and closes its own connections.
@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_the_file_and_the_page_follows_its_progress(county, login):
    HUEY.immediate = False
    HUEY.flush()
    office = login(county.office_admin)

    started = office.post(
        reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "statistics"}
    )
    job = ExportJob.objects.get()
    page = office.get(started.url).content.decode()
    waiting = office.get(reverse("exports:export_status", args=[job.pk])).json()

    assert HUEY.pending_count() == 1
    assert 'data-state="queued"' in page
    assert waiting == {
        "state": "queued",
        "label": "等待中",
        "done": 0,
        "total": 0,
        "percent": 0,
        "download": None,
    }
    assert office.get(reverse("exports:export_download", args=[job.pk])).status_code == 404

    HUEY.execute(HUEY.dequeue())

    ready = office.get(reverse("exports:export_status", args=[job.pk])).json()
    assert ready["state"] == "done"
    assert ready["percent"] == 100
    assert ready["download"] == reverse("exports:export_download", args=[job.pk])
    job.refresh_from_db()
    assert default_storage.exists(job.file_name)
    services.run_job(job.pk)  # a second run leaves the finished job alone
    assert ExportJob.objects.get(pk=job.pk).finished_at == job.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_double_click_starts_one_job(county, login):
    HUEY.immediate = False
    HUEY.flush()
    office = login(county.office_admin)
    url = reverse("exports:export_start", args=[county.campaign.pk])

    first = office.post(url, {"kind": "evidence"})
    second = office.post(url, {"kind": "evidence"})
    other = office.post(url, {"kind": "statistics"})

    assert first.url == second.url
    assert other.url != first.url
    assert ExportJob.objects.count() == 2
    assert HUEY.pending_count() == 2
    HUEY.flush()


def test_a_failed_export_says_so_and_offers_to_try_again(county, login):
    report_with_photo(county, login)
    photo = Attachment.objects.get()
    office = login(county.office_admin)
    office.post(reverse("reports:attachment_highlight", args=[photo.pk]), {"highlight": "1"})
    default_storage.delete(photo.thumbnail)  # the thumbnail went missing from storage

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = office.post(
            reverse("exports:export_start", args=[county.campaign.pk]), {"kind": "summary"}
        )
    response = office.get(started.url)

    job = ExportJob.objects.get()
    page = response.content.decode()
    assert job.state == JobState.FAILED
    assert "导出失败" in page
    assert 'name="kind" value="summary"' in page
    assert job.file_name == ""
    assert office.get(reverse("exports:export_download", args=[job.pk])).status_code == 404


def test_unknown_kinds_are_refused_with_a_message(county, login):
    response = login(county.office_admin).post(
        reverse("exports:export_start", args=[county.campaign.pk]),
        {"kind": "passwords"},
        follow=True,
    )

    assert "没有这种导出" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_files_expire_after_the_retention_period(county, login, settings):
    job, _ = export(login(county.office_admin), county.campaign, "statistics")
    name = job.file_name

    assert services.expire_old_exports(now=timezone.now() + timedelta(days=6)) == 0
    assert services.expire_old_exports(now=timezone.now() + timedelta(days=8)) == 1

    job.refresh_from_db()
    assert job.state == JobState.EXPIRED
    assert not default_storage.exists(name)
    page = (
        login(county.office_admin)
        .get(reverse("exports:export_job", args=[job.pk]))
        .content.decode()
    )
    assert "保留期" in page


def test_my_exports_lists_only_mine(county, login):
    mine, _ = export(login(county.office_admin), county.campaign, "statistics")
    theirs, _ = export(login(county.office_staff), county.campaign, "board")

    page = login(county.office_admin).get(reverse("exports:export_list")).content.decode()

    assert reverse("exports:export_job", args=[mine.pk]) in page
    assert reverse("exports:export_job", args=[theirs.pk]) not in page


def test_my_exports_list_has_constant_queries(county, login, django_assert_num_queries):
    office = login(county.office_admin)
    export(office, county.campaign, "statistics")
    with django_assert_num_queries(4):
        office.get(reverse("exports:export_list"))
    export(office, county.campaign, "board")
    export(office, county.campaign, "summary")

    with django_assert_num_queries(4):
        page = office.get(reverse("exports:export_list"))

    assert page.content.decode().count("export_download") == 0
    assert page.content.decode().count("/download") == 3
