"""The assessment's exports. The scoring tables as the office prints them: a summary
sheet (every unit's total, subtotals and items left to score) and, per unit, the 考核评分表
in the office's layout: 考核项目 | 考核标准 | 分值 | 评分方式 | 落实情况(提供数据) | 自评分 |
考核得分, with the evidence column filled from the data and the unit's own words, subtotals
per section and the total; and the results notice (.docx, 公文). The numbers are the scores
page's (assessment.services.sheets) and the ranking page's (assessment.ranking)."""

import re
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from anxuan.assessment import ranking
from anxuan.assessment.models import Rubric
from anxuan.assessment.scoring import plain
from anxuan.assessment.services import Sheet
from anxuan.assessment.sheets import rule_text
from anxuan.campaigns.models import Campaign, Participant
from anxuan.core import gongwen
from anxuan.core.sheets import sheet_row
from anxuan.exports.xlsx import BOX, Progress, _rows, _style_header

LAYOUT = ["考核项目", "考核标准", "分值", "评分方式", "落实情况(提供数据)", "自评分", "考核得分"]
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _number(value: Decimal | None) -> float | str:
    return "" if value is None else float(value)


def _sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = FORBIDDEN.sub("", name)[:28] or "单位"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    taken.add(title)
    return title


def _heading(ws: Worksheet, title: str, width: int) -> None:
    ws.append(sheet_row([title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _unit_sheet(
    ws: Worksheet, rubric: Rubric, participant: Participant, sheet: Sheet, sections: dict
) -> None:
    _heading(ws, f"{rubric.title}（{participant.organization.name}）", len(LAYOUT))
    ws.append(sheet_row(LAYOUT))
    _style_header(ws, 2, len(LAYOUT))
    for section, items in sections.items():
        ws.append(sheet_row([section.title]))
        ws.merge_cells(
            start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(LAYOUT)
        )
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for item in items:
            own = sheet.self_scores.get(item.pk)
            facts = [sheet.computed[item.pk].why]
            if own is not None and own.note:
                facts.append(f"自评：{own.note}")
            facts += [
                f"督导（{v.visited_on:%Y-%m-%d}，{v.visitors}）：{v.findings}"
                for v in sheet.cited_visits(item.pk)
            ]
            ws.append(
                sheet_row(
                    [
                        item.title,
                        item.criterion,
                        float(item.max_points),
                        rule_text(item),
                        "；".join(f for f in facts if f),
                        _number(own.points if own else None),
                        _number(sheet.outcomes[item.pk].points),
                    ]
                )
            )
        ws.append(sheet_row(["小计", "", "", "", "", "", float(sheet.section_total(items))]))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append(sheet_row(["合计", "", float(rubric.total_points), "", "", "", float(sheet.total)]))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.border = BOX
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["E"].width = 36
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _ranking_sheet(ws: Worksheet, rubric: Rubric, found: ranking.Standings) -> None:
    """Each rank group: rank, unit, total, subtotals and the awards confirmed."""
    head = ["名次", "单位", "合计", *[s.title for s in found.sections], "评先"]
    _heading(ws, f"{rubric.title}　排名", len(head))
    for group, places in found.groups:
        ws.append(sheet_row([group.name]))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(sheet_row(head))
        named: dict[int, list[str]] = {}
        for award in group.awards.all():
            for n in award.named.all():
                named.setdefault(n.participant_id, []).append(award.title)
        for place in places:
            unit = place.participant
            ws.append(
                sheet_row(
                    [
                        place.rank,
                        unit.organization.name + ("（一票否决）" if place.sheet.vetoed else ""),
                        float(place.sheet.total),
                        *[float(v) for v in place.subtotals],
                        "、".join(named.get(unit.pk, [])),
                    ]
                )
            )
    ws.column_dimensions["B"].width = 28


def scoring_xlsx(campaign: Campaign, out: BinaryIO, progress: Progress = lambda *_: None) -> None:
    rubric = Rubric.objects.get(campaign=campaign)
    found = ranking.standings(rubric)
    sections = found.sections
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    head = ["单位", "合计", *[s.title for s in sections], "待评项目"]
    _heading(summary, f"{campaign.title}　{rubric.title}", len(head))
    summary.append(sheet_row(head))
    _style_header(summary, 2, len(head))
    taken = {"汇总", "排名"}
    _ranking_sheet(wb.create_sheet("排名"), rubric, found)
    for participant in _rows(found.participants, progress):
        sheet = found.sheets[participant.pk]
        subtotals = [float(sheet.section_total(rows)) for rows in sections.values()]
        name = participant.organization.name
        summary.append(sheet_row([name, float(sheet.total), *subtotals, sheet.pending]))
        _unit_sheet(
            wb.create_sheet(_sheet_title(name, taken)), rubric, participant, sheet, sections
        )
    wb.save(out)


def results_docx(campaign: Campaign, out: BinaryIO, progress: Progress = lambda *_: None) -> None:
    """The results notice (考核结果通报) in the 公文 layout: how the assessment was done, the
    units named for each award per group, and each group's ranking with the totals."""
    rubric = Rubric.objects.get(campaign=campaign)
    found = ranking.standings(rubric)
    office = campaign.office_name or campaign.owner.name
    document = gongwen.new_document(author=office)
    gongwen.title(document, f"关于{campaign.title}考核结果的通报")
    gongwen.paragraph(
        document,
        f"按照《{rubric.title}》（满分 {plain(rubric.total_points)} 分），对参加{campaign.title}"
        f"的 {len(found.participants)} 个单位进行了考核。考核结合各单位报送的材料、自评情况和"
        "考核人员评分进行，现将结果通报如下。",
    )
    progress(0, len(found.groups) + 1)
    numerals = "一二三四五六七八九十"
    for n, (group, places) in enumerate(found.groups):
        gongwen.heading1(document, f"{numerals[n % 10]}、{group.name}")
        for award in group.awards.all():
            named = "、".join(x.participant.organization.name for x in award.named.all())
            gongwen.paragraph(document, f"{award.title}：{named or '（待确认）'}。")
        gongwen.table(
            document,
            ["名次", "单位", "得分"],
            [
                [
                    p.rank,
                    p.participant.organization.name + ("（一票否决）" if p.sheet.vetoed else ""),
                    plain(p.sheet.total),
                ]
                for p in places
            ],
            widths=[1, 4, 1],
        )
        progress(n + 1, len(found.groups) + 1)
    gongwen.signature(document, office, timezone.localdate())
    document.save(out)
