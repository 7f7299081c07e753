"""A rubric as an .xlsx in the office's table layout, and back.

考核项目 | 考核标准 | 分值 | 评分方式 | 落实情况(提供数据) | 自评分 | 考核得分 | 数据来源

A row with only 考核项目 filled starts a section; every other row is an item. 评分方式 is
the rule's name, then its numbers after " · " (a number per thing, day or period; 最高 N;
tiers a / b / c / d), as the export writes it; anything else is read as an item for the
assessor, the words kept in its criterion. 数据来源 names a measure and its parameter
(报送迟报天数：活动方案). The self-score and assessed columns are left empty. Importing
replaces a draft rubric's sections and items, all at once or, with the reasons by row,
not at all."""

import io
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from anxuan.assessment.enums import RubricState, Rule
from anxuan.assessment.models import Item, Rubric, Section
from anxuan.assessment.scoring import plain
from anxuan.assessment.services import item_problems, items_of
from anxuan.campaigns import measures
from anxuan.campaigns.models import Campaign
from anxuan.core.sheets import ArchiveError, check_xlsx_archive, sheet_row, typed_text

COLUMNS = [
    "考核项目",
    "考核标准",
    "分值",
    "评分方式",
    "落实情况(提供数据)",
    "自评分",
    "考核得分",
    "数据来源",
]
REQUIRED = COLUMNS[:5]
PARAM_NAMES = {"requirement", "activity_type", "domain", "indicator"}


def _in_both_languages(label: Any) -> set[str]:
    found = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.add(str(label))
    return found


def rule_text(item: Item) -> str:
    parts = [str(item.get_rule_display())]
    if item.per_unit:
        parts.append(plain(item.per_unit))
    if item.cap is not None:
        parts.append(f"最高 {plain(item.cap)}")
    if item.rule == Rule.TIERED and item.tiers:
        parts.append(" / ".join(plain(Decimal(str(t))) for t in item.tiers))
    return " · ".join(parts)


def _param_names(campaign: Campaign) -> dict[str, dict[Any, str]]:
    return {
        "requirement": dict(campaign.requirements.values_list("pk", "title")),
        "indicator": dict(campaign.indicators.values_list("pk", "name")),
        "activity_type": {n: n for n in campaign.activity_types.values_list("name", flat=True)},
        "domain": {n: n for n in campaign.domains.values_list("name", flat=True)},
    }


def source_text(item: Item, names: dict[str, dict[Any, str]]) -> str:
    measure = measures.get(item.measure) if item.measure else None
    if measure is None:
        return ""
    values = [
        names[p.name].get(item.measure_params.get(p.name), "")
        for p in measure.params
        if item.measure_params.get(p.name)
    ]
    return f"{measure.label}：{values[0]}" if values else str(measure.label)


def rubric_xlsx(rubric: Rubric) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "考核评分表"
    ws.append(sheet_row(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    names = _param_names(rubric.campaign)
    current = None
    for item in items_of(rubric):
        if item.section_id != current:
            current = item.section_id
            ws.append(sheet_row([item.section.title]))
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(
            sheet_row(
                [
                    item.title,
                    item.criterion,
                    float(item.max_points),
                    rule_text(item),
                    item.evidence,
                    "",
                    "",
                    source_text(item, names),
                ]
            )
        )
    for column, width in zip("ABCDEH", (24, 40, 8, 28, 28, 24), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return typed_text(str(value)).strip()


def _number(text: str) -> Decimal:
    found = Decimal(text)
    if not found.is_finite() or found < 0:
        raise InvalidOperation
    return found


def _rule(text: str, item: Item) -> None:
    """Set the item's rule and numbers from its 评分方式 cell."""
    labels = {label: value for value, name in Rule.choices for label in _in_both_languages(name)}
    head, *rest = [part.strip() for part in text.split("·")]
    if head not in labels:
        item.rule = Rule.MANUAL
        item.criterion = "；".join(t for t in (item.criterion, text) if t)
        return
    item.rule = labels[head]
    for part in rest:
        if part.startswith("最高"):
            item.cap = _number(part.removeprefix("最高").strip())
        elif "/" in part:
            item.tiers = [float(_number(t.strip())) for t in part.split("/")]
        elif part:
            item.per_unit = _number(part)


def _source(text: str, item: Item, campaign: Campaign) -> str:
    """Bind the item to the measure its 数据来源 cell names; the reason when it cannot."""
    if not text:
        return ""
    label, _sep, value = text.replace(":", "：").partition("：")
    found = next(
        (m for m in measures.registered() if label.strip() in _in_both_languages(m.label)), None
    )
    if found is None:
        return _("unknown source “%(text)s”") % {"text": text}
    item.measure = found.key
    item.measure_params = {}
    value = value.strip()
    if value:
        names = _param_names(campaign)
        for param in found.params:
            by_name = {name: key for key, name in names[param.kind].items()}
            if value in by_name:
                item.measure_params[param.name] = by_name[value]
                break
        else:
            return _("“%(value)s” is not one of this campaign's") % {"value": value}
    return ""


def read_rubric(campaign: Campaign, fileobj: IO[bytes]) -> list[tuple[str, list[Item]]]:
    """The sections and items of an uploaded rubric, checked; ValidationError with every
    problem, by row, otherwise."""
    try:
        check_xlsx_archive(fileobj, max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES)
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except ArchiveError as exc:
        raise ValidationError(str(exc)) from exc
    except Exception as exc:  # openpyxl raises many kinds on a malformed workbook
        raise ValidationError(
            _("The Excel file could not be read; it may be damaged. Save it again as .xlsx.")
        ) from exc
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            _("Row 1 must be the header; missing columns: %(cols)s.") % {"cols": "、".join(missing)}
        )
    at = {c: header.index(c) for c in COLUMNS if c in header}
    requirements = set(campaign.requirements.values_list("pk", flat=True))
    sections: list[tuple[str, list[Item]]] = []
    errors: list[str] = []
    for number, values in enumerate(rows, start=2):
        cells = {c: _text(values[i]) if i < len(values) else "" for c, i in at.items()}
        if not any(cells.values()):
            continue
        if number > settings.IMPORT_MAX_ROWS:
            raise ValidationError(_("The file has too many rows for a rubric."))
        if cells["考核项目"] and not cells["分值"] and not cells["考核标准"]:
            sections.append((cells["考核项目"], []))
            continue
        where = _("Row %(n)d") % {"n": number}
        if not sections:
            errors.append(f"{where}: " + _("an item before any section"))
            continue
        item = Item(
            title=cells["考核项目"],
            criterion=cells["考核标准"],
            evidence=cells["落实情况(提供数据)"],
        )
        if not item.title:
            errors.append(f"{where}: " + _("考核项目 is empty"))
            continue
        try:
            item.max_points = _number(cells["分值"])
            _rule(cells["评分方式"], item)
        except InvalidOperation:
            errors.append(
                f"{where}（{item.title}）: "
                + _("分值 and the numbers of 评分方式 must be numbers of 0 or more")
            )
            continue
        problem = _source(cells.get("数据来源", ""), item, campaign)
        if problem:
            errors.append(f"{where}（{item.title}）: {problem}")
            continue
        errors += [f"{where}（{item.title}）: {p}" for p in item_problems(item, requirements)]
        if item.cap is not None and item.cap > item.max_points:
            errors.append(
                f"{where}（{item.title}）: " + _("“At most” may not be above the item's points.")
            )
        sections[-1][1].append(item)
    if not sections:
        errors.append(_("The file holds no sections or items."))
    if errors:
        raise ValidationError(errors)
    return sections


@transaction.atomic
def import_rubric(rubric: Rubric, fileobj: IO[bytes]) -> int:
    """Replace a draft rubric's sections and items with the file's; returns the items."""
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.state != RubricState.DRAFT:
        raise ValidationError(_("Only a rubric being drawn up can be replaced from a file."))
    sections = read_rubric(locked.campaign, fileobj)
    locked.sections.all().delete()
    count = 0
    for order, (title, items) in enumerate(sections):
        section = Section.objects.create(rubric=locked, order=order, title=title)
        for n, item in enumerate(items):
            item.section, item.order = section, n
            item.save()
            count += 1
    return count
