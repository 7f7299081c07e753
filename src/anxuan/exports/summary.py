"""The campaign summary as .docx: headline figures (and the dashboard's charts, when given),
activities by type and domain, each unit's reporting rates and the photos the office marked
as highlights."""

import io
from typing import BinaryIO

from django.core.files.storage import default_storage
from django.utils import timezone
from docx.shared import Cm

from anxuan.campaigns.models import Campaign
from anxuan.core import gongwen
from anxuan.dashboards.charts import Chart, chart_png
from anxuan.exports.xlsx import Progress
from anxuan.reports.models import Attachment
from anxuan.rollup.board import percent_text
from anxuan.rollup.figures import ACTIVITIES, PEOPLE, campaign_figures

MAX_PHOTOS = 8


def add_charts(document: gongwen.Docx, charts: list[Chart]) -> None:
    """Each chart as a picture 15 cm wide with its caption below (图1　title), kept together on
    one page."""
    for number, chart in enumerate(charts, 1):
        png = io.BytesIO(chart_png(chart, width=15, height=7.5))
        gongwen.picture(document, png, width=Cm(15))
        gongwen.caption(document, f"图{number}　{chart.title}")


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
    office = campaign.office_name or campaign.owner.name

    document = gongwen.new_document(author=office)
    gongwen.title(document, f"{campaign.title}总结")
    if campaign.theme:
        gongwen.paragraph(document, f"活动主题：{campaign.theme}")

    gongwen.heading1(document, "一、总体情况")
    gongwen.paragraph(
        document,
        f"参加单位 {figures.units} 个；应报送 {overall.expected} 份，已报送 "
        f"{overall.reported} 份，报送率 {percent_text(overall.reporting)}，及时率 "
        f"{percent_text(overall.timeliness)}。各单位报告记录活动 {activities} 场次，"
        f"覆盖 {people} 人次。相关资料未报送的，视为未开展活动。",
    )
    add_charts(document, charts or [])
    gongwen.heading1(document, "二、活动开展情况")
    gongwen.heading2(document, "（一）按活动类型")
    types = [[t, int(n)] for t, n in figures.counts("t:")]
    gongwen.table(document, ["活动类型", "场次"], types, widths=[3, 1])
    gongwen.heading2(document, "（二）按宣传领域")
    domains = [[d, int(n)] for d, n in figures.counts("d:")]
    gongwen.table(document, ["宣传领域", "场次"], domains, widths=[3, 1])
    if figures.indicators:  # the statistics table's totals, in the office's column order
        gongwen.heading2(document, "（三）统计指标")
        totals = figures.indicator_totals(figures.indicators)
        rows = [
            [i.name, i.unit, f"{total.normalize():f}"]
            for i, total in zip(figures.indicators, totals, strict=True)
        ]
        gongwen.table(document, ["指标", "单位", "合计"], rows, widths=[3, 1, 1])
        if figures.not_reported:
            names = "、".join(r.participant.organization.name for r in figures.not_reported)
            gongwen.paragraph(
                document, f"未报送统计数据的单位 {len(figures.not_reported)} 个：{names}。"
            )

    gongwen.heading1(document, "三、各单位报送情况")
    gongwen.table(
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
        widths=[4, 1, 1, 2, 2],
    )

    photos = list(
        Attachment.objects.filter(submission__requirement__campaign=campaign, highlight=True)
        .exclude(thumbnail="")
        .select_related("submission__participant__organization")
        .order_by("taken_at", "id")[:MAX_PHOTOS]
    )
    progress(0, len(photos) + 1)
    if photos:
        gongwen.heading1(document, "四、活动图片")
        for done, photo in enumerate(photos, 1):
            with default_storage.open(photo.thumbnail, "rb") as image:
                gongwen.picture(document, io.BytesIO(image.read()), width=Cm(12))
            when = f"{timezone.localtime(photo.taken_at):%Y-%m-%d}" if photo.taken_at else ""
            gongwen.caption(document, f"{photo.submission.participant.organization.name}　{when}")
            progress(done, len(photos) + 1)
    gongwen.signature(document, office, timezone.localdate())
    document.save(out)
    progress(len(photos) + 1, len(photos) + 1)
