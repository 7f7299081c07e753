"""The campaign summary as .docx: headline figures (and the dashboard's charts, when given),
activities by type and domain, each unit's reporting rates and the photos the office marked
as highlights."""

import io
from typing import BinaryIO

from django.core.files.storage import default_storage
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from anxuan.campaigns.models import Campaign
from anxuan.dashboards.charts import Chart, chart_png
from anxuan.exports.xlsx import Progress
from anxuan.reports.models import Attachment
from anxuan.rollup.board import percent_text
from anxuan.rollup.figures import ACTIVITIES, PEOPLE, campaign_figures

MAX_PHOTOS = 8


def _table(document: Document, header: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)


def add_charts(document: Document, charts: list[Chart]) -> None:
    """Each chart as a picture 15 cm wide with its caption below (图1　title), kept together on
    one page."""
    for number, chart in enumerate(charts, 1):
        document.add_picture(io.BytesIO(chart_png(chart, width=15, height=7.5)), width=Cm(15))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        caption = document.add_paragraph(f"图{number}　{chart.title}")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def summary_docx(
    campaign: Campaign,
    out: BinaryIO,
    progress: Progress = lambda *_: None,
    *,
    charts: list[Chart] | None = None,
) -> None:
    figures = campaign_figures(campaign)
    overall = figures.overall
    activities, people = int(figures.total(ACTIVITIES)), int(figures.total(PEOPLE))

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    # Word takes Chinese characters from the East Asian font, which `font.name` leaves unset.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    title = document.add_heading(f"{campaign.title}总结", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    today = timezone.localdate()
    byline = document.add_paragraph(
        f"{campaign.office_name or campaign.owner.name}　{today.year}年{today.month}月{today.day}日"
    )
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if campaign.theme:
        document.add_paragraph(f"活动主题：{campaign.theme}")

    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(
        f"参加单位 {figures.units} 个；应报送 {overall.expected} 份，已报送 "
        f"{overall.reported} 份，报送率 {percent_text(overall.reporting)}，及时率 "
        f"{percent_text(overall.timeliness)}。各单位报告记录活动 {activities} 场次，"
        f"覆盖 {people} 人次。相关资料未报送的，视为未开展活动。"
    )
    add_charts(document, charts or [])
    document.add_heading("二、活动开展情况", level=1)
    _table(document, ["活动类型", "场次"], [[t, int(n)] for t, n in figures.counts("t:")])
    document.add_paragraph()
    _table(document, ["宣传领域", "场次"], [[d, int(n)] for d, n in figures.counts("d:")])
    if figures.indicators:  # the statistics table's totals, in the office's column order
        document.add_paragraph()
        _table(
            document,
            ["指标", "单位", "合计"],
            [
                [i.name, i.unit, f"{total.normalize():f}"]
                for i, total in zip(
                    figures.indicators, figures.indicator_totals(figures.indicators), strict=True
                )
            ],
        )
        if figures.not_reported:
            names = "、".join(r.participant.organization.name for r in figures.not_reported)
            document.add_paragraph(
                f"未报送统计数据的单位 {len(figures.not_reported)} 个：{names}。"
            )

    document.add_heading("三、各单位报送情况", level=1)
    _table(
        document,
        ["单位", "应报", "已报", "报送率", "及时率"],
        [
            [
                r.participant.organization.name,
                r.rate.expected,
                r.rate.reported,
                percent_text(r.rate.reporting),
                percent_text(r.rate.timeliness),
            ]
            for r in figures.rows
        ],
    )

    photos = list(
        Attachment.objects.filter(submission__requirement__campaign=campaign, highlight=True)
        .exclude(thumbnail="")
        .select_related("submission__participant__organization")
        .order_by("taken_at", "id")[:MAX_PHOTOS]
    )
    progress(0, len(photos) + 1)
    if photos:
        document.add_heading("四、活动图片", level=1)
        for done, photo in enumerate(photos, 1):
            with default_storage.open(photo.thumbnail, "rb") as image:
                document.add_picture(io.BytesIO(image.read()), width=Cm(12))
            when = f"{timezone.localtime(photo.taken_at):%Y-%m-%d}" if photo.taken_at else ""
            caption = document.add_paragraph(
                f"{photo.submission.participant.organization.name}　{when}"
            )
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            progress(done, len(photos) + 1)
    document.save(out)
    progress(len(photos) + 1, len(photos) + 1)
