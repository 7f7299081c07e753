"""What each kind of export writes, the options it takes and the name it is downloaded as.
Each writer streams into a file object and reports its progress as (done, total)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from anxuan.campaigns.models import Campaign
from anxuan.core.http import query_id
from anxuan.core.views import XLSX
from anxuan.dashboards.dashboard import build_dashboard
from anxuan.exports.assessment import results_docx, scoring_xlsx
from anxuan.exports.enums import ExportKind
from anxuan.exports.evidence import evidence_zip
from anxuan.exports.summary import summary_docx
from anxuan.exports.xlsx import Progress, board_xlsx, statistics_xlsx
from anxuan.rollup.board import campaign_board
from anxuan.rollup.statistics import statistics_table

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Exporter:
    content_type: str
    suffix: str  # the download name is the campaign's title followed by this
    write: Callable[[Campaign, dict, BinaryIO, Progress], None]
    options: Callable[[Campaign, Any], dict] = lambda campaign, data: {}
    perm: str = "campaigns.oversee"  # who may start it, besides overseeing the campaign


def _statistics_options(campaign: Campaign, data: Any) -> dict:
    return {"basis": "submitted" if data.get("basis") == "submitted" else "accepted"}


def _write_statistics(campaign: Campaign, options: dict, out: BinaryIO, progress: Progress):
    table = statistics_table(campaign, basis=options["basis"])
    statistics_xlsx(campaign, table, out, progress)


def _board_options(campaign: Campaign, data: Any) -> dict:
    requirement = query_id(str(data.get("requirement", "")))
    known = requirement is not None and campaign.requirements.filter(pk=requirement).exists()
    return {
        "requirement": requirement if known else None,
        "only": "missing" if data.get("only") == "missing" else "",
    }


def _write_board(campaign: Campaign, options: dict, out: BinaryIO, progress: Progress):
    board = campaign_board(
        campaign, requirement_id=options["requirement"], only_missing=options["only"] == "missing"
    )
    board_xlsx(campaign, board, out, progress)


def _drawn_charts(campaign: Campaign) -> list:
    return [c for c in build_dashboard(campaign).charts if c.has_data]


EXPORTERS: dict[str, Exporter] = {
    ExportKind.STATISTICS: Exporter(
        XLSX, "-进展情况统计表.xlsx", _write_statistics, _statistics_options
    ),
    ExportKind.BOARD: Exporter(XLSX, "-报送情况.xlsx", _write_board, _board_options),
    ExportKind.SUMMARY: Exporter(
        DOCX,
        "总结.docx",
        lambda campaign, options, out, progress: summary_docx(
            campaign, out, progress, charts=_drawn_charts(campaign)
        ),
    ),
    ExportKind.EVIDENCE: Exporter(
        "application/zip",
        "-佐证材料.zip",
        lambda campaign, options, out, progress: evidence_zip(campaign, out, progress),
    ),
    ExportKind.ASSESSMENT: Exporter(
        XLSX,
        "-考核评分表.xlsx",
        lambda campaign, options, out, progress: scoring_xlsx(campaign, out, progress),
        perm="assessment.manage",
    ),
    ExportKind.RESULTS: Exporter(
        DOCX,
        "考核结果通报.docx",
        lambda campaign, options, out, progress: results_docx(campaign, out, progress),
        perm="assessment.manage",
    ),
}
