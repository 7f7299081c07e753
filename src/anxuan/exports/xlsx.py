"""Excel files the office hands upward: the statistics table and the completeness board.
Every row goes through core.sheets.sheet_row: no text a person typed becomes a formula."""

from collections.abc import Callable, Iterator
from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Campaign, Period
from anxuan.core.sheets import sheet_row
from anxuan.rollup.board import Board
from anxuan.rollup.statistics import Table

Progress = Callable[[int, int], None]  # (done, total)

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
NOT_REPORTED = "未报送"  # a unit that sent no figures: never 0


def _titled_sheet(wb: Workbook, title: str, subtitle: str, width: int) -> Worksheet:
    ws = wb.active
    ws.title = "统计表"
    ws.append(sheet_row([title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(sheet_row([subtitle]))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:4"
    ws.freeze_panes = "B5"
    return ws


def _style_header(ws: Worksheet, first_row: int, width: int) -> None:
    """Bold, shaded, boxed header rows; the body prints with grid lines instead of a border
    on every cell (styling 60 000 cells one by one is most of the time of a large table)."""
    for row in ws.iter_rows(min_row=first_row, max_row=first_row + 1, max_col=width):
        for cell in row:
            cell.border = BOX
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.print_options.gridLines = True
    ws.column_dimensions["A"].width = 28
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12


def _rows(items: list, progress: Progress) -> Iterator:
    """The items one by one, telling `progress` how far along they are; saving the workbook
    counts as one more step at the end."""
    total = len(items) + 1
    for done, item in enumerate(items):
        if done % 200 == 0:
            progress(done, total)
        yield item
    progress(len(items), total)


def statistics_xlsx(
    campaign: Campaign, table: Table, out: BinaryIO, progress: Progress = lambda *_: None
) -> None:
    """附件2 as offices print it: title, issuing office and date, two header rows (name and
    unit), one row per unit (未报送 in every column of a unit that sent no figures), the
    totals row and the units not reported below it, frozen header, A4 landscape."""
    width = len(table.indicators) + 1
    wb = Workbook()
    today = timezone.localdate()
    ws = _titled_sheet(
        wb,
        f"{campaign.title}　进展情况统计表",
        f"填报单位：{campaign.office_name or campaign.owner.name}　　"
        f"日期：{today.year}年{today.month}月{today.day}日",
        width,
    )
    ws.append(sheet_row(["单位", *[i.name for i in table.indicators]]))
    ws.append(sheet_row(["", *[f"（{i.unit}）" for i in table.indicators]]))
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for row in _rows(table.rows, progress):
        figures = [float(v) if v is not None else NOT_REPORTED for v in row.values]
        ws.append(sheet_row([row.participant.organization.name, *figures]))
    ws.append(sheet_row(["合计", *[float(v) for v in table.totals]]))
    _style_header(ws, 3, width)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.border = BOX
    if table.not_reported:
        names = "、".join(p.organization.name for p in table.not_reported)
        ws.append(sheet_row(["未报送单位", f"{len(table.not_reported)} 个：{names}"]))
        if width > 2:
            ws.merge_cells(
                start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=width
            )
    wb.save(out)


def _period_head(period: Period) -> str:
    """第3周（6月18日截止）, or the requirement's title for a once-only report."""
    due = timezone.localtime(period.due_at)
    name = (
        f"第{period.number}周"
        if period.requirement.schedule == Schedule.WEEKLY
        else period.requirement.title
    )
    return f"{name}（{due.month}月{due.day}日截止）"


def board_xlsx(
    campaign: Campaign, board: Board, out: BinaryIO, progress: Progress = lambda *_: None
) -> None:
    rates_at = len(board.periods) + 2  # the column of the reporting rate, then timeliness
    width = rates_at + 1 + len(board.adhoc) + len(board.columns)
    wb = Workbook()
    ws = _titled_sheet(
        wb, f"{campaign.title}　报送情况", f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}", width
    )
    ws.title = "报送情况"
    # Ad-hoc requirements have no due time: a count of reports sent per unit, never missing.
    adhoc = [f"随时报送：{r.title}" for r in board.adhoc]
    # Other apps' columns (rollup.columns), after the page's order: rates, then these.
    extra = [str(c.header) for c in board.columns]
    heads = [_period_head(p) for p in board.periods]
    ws.append(sheet_row(["单位", *heads, "报送率", "及时率", *adhoc, *extra]))
    due = [f"{timezone.localtime(p.due_at):%H:%M}" for p in board.periods]
    ws.append(sheet_row(["", *due, "", "", *["条数" for _ in board.adhoc], *["" for _ in extra]]))
    for row in _rows(board.rows, progress):
        ws.append(
            sheet_row(
                [
                    row.participant.organization.name,
                    *[c.label for c in row.cells],
                    row.rate.reporting,
                    row.rate.timeliness,
                    *row.adhoc_counts,
                    *row.extra,
                ]
            )
        )
    sent = [sum(r.adhoc_counts[i] for r in board.rows) for i in range(len(board.adhoc))]
    empty = ["" for _ in board.periods]
    totals = [board.column_total(i) for i in range(len(board.columns))]
    overall = board.overall
    ws.append(sheet_row(["合计", *empty, overall.reporting, overall.timeliness, *sent, *totals]))
    _style_header(ws, 3, width)
    for row in ws.iter_rows(min_row=5, min_col=rates_at, max_col=rates_at + 1):
        for cell in row:
            cell.number_format = "0.0%"
    wb.save(out)
