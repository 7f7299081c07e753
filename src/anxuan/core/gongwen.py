"""Word documents laid out as 公文 (GB/T 9704-2012), the form an office sends upward: A4 with
the standard margins, a 小标宋 title, 仿宋 body text of 28 characters by 22 lines a page,
黑体 and 楷体 headings, "— 1 —" page numbers outside at the foot, and the issuing office
with the date at the end. Every .docx Anxuan writes is built with these functions, so the
layout lives in one place. The text uses Word's own styles (Title, Normal, Heading 1 and 2:
标题, 正文, 标题 1 and 标题 2 in a Chinese Word), so a clerk who edits the file keeps the
layout."""

import unicodedata
from datetime import date
from typing import Any, BinaryIO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor, Twips

# python-docx's hints are partial (a style looked up by name has no paragraph_format), so
# its documents, styles, paragraphs and tables are Any here.
Docx = Any

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TYPE_WIDTH = Length(PAGE_WIDTH - LEFT - RIGHT)  # 156 mm
TYPE_HEIGHT = Length(PAGE_HEIGHT - TOP - BOTTOM)  # 225 mm
LINES, CHARS = 22, 28
# Rounded down to whole twips (Word's unit), so that 22 lines and 28 characters still fit:
# 579 twips = 28.95 pt a line, 315 twips = 15.75 pt a character.
LINE = Twips(TYPE_HEIGHT.twips // LINES)
CHAR = Twips(TYPE_WIDTH.twips // CHARS)
INDENT = Length(2 * CHAR)  # of a paragraph's first line, and of the office's name at the end

TITLE_SIZE, BODY_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(14), Pt(14)  # 二三四号
LATIN = "Times New Roman"
XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
# The styles Word has no built-in for, named for the clerk who finds them in Word's list.
TABLE_TEXT, TABLE_HEADING, PICTURE, SIGNATURE = "表格文字", "表头", "图片", "落款"
# Where a machine lacks a font, Word and LibreOffice look for the font table's alternative.
ALTERNATIVES = {XIAOBIAOSONG: SONGTI, FANGSONG: "仿宋", KAITI: "楷体", HEITI: "SimHei"}
# The page number's 一字线 sits 7 mm below the type area; the footer line is 18 pt high.
FOOTER_LINE = Pt(18)
FOOTER_DISTANCE = Length(BOTTOM - Mm(7) - FOOTER_LINE)


def _set_fonts(style: Docx, east_asian: str, latin: str = LATIN) -> None:
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attribute}"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    # Punctuation shared by both scripts (“”—) is set in the East Asian font, full width.
    fonts.set(qn("w:hint"), "eastAsia")


# What follows w:spacing in a w:rPr, in the schema's order, which Word insists on.
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u")


def _style(
    document: Docx,
    name: str,
    *,
    font: str,
    size: Length,
    base: str | None = "Normal",
    alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: Length | None = None,
    line: Length | None = LINE,
    condensed: bool = False,
) -> Docx:
    """The named paragraph style (made when the template has none), cleared of the template's
    theme fonts, colours, borders and spacing and set to the 公文 look."""
    styles = document.styles
    names = {style.name for style in styles}
    style = styles[name] if name in names else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    # The template's linked character styles (Heading 1 Char) are blue: unlink them.
    for old in (style.element.pPr, style.element.rPr, style.element.find(qn("w:link"))):
        if old is not None:
            style.element.remove(old)
    if base:
        style.base_style = styles[base]
    _set_fonts(style, font, SONGTI if font == SONGTI else LATIN)
    style.font.size = size
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    # Condensed so that CHARS characters fill the type area's width (in twentieths of a point).
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR.twips - size.twips if condensed else 0))
    style.element.rPr.insert_element_before(spacing, *_AFTER_SPACING)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    style.element.rPr.append(language)
    paragraph = style.paragraph_format
    paragraph.alignment = alignment
    paragraph.space_before = paragraph.space_after = 0
    paragraph.first_line_indent = indent if indent is not None else 0
    paragraph.widow_control = False  # keeps every page at its 22 lines
    if line is None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        paragraph.line_spacing, paragraph.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    return style


def _outline(style: Docx, level: int) -> None:
    """Kept with the next paragraph and shown in Word's navigation pane at this level."""
    style.paragraph_format.keep_with_next = True
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    style.element.get_or_add_pPr().append(outline)


def _font_alternatives(document: Docx) -> None:
    """Name, in the font table, the font to use when a 公文 font is not installed."""
    part = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    )
    table = parse_xml(part.blob)
    for name, alternative in ALTERNATIVES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alternative), ("charset", "86"), ("family", "auto")):
            element = OxmlElement(f"w:{tag}")
            element.set(qn("w:val"), value)
            font.append(element)
        table.append(font)
    # python-docx keeps the font table as plain bytes, without an API to change them.
    part._blob = serialize_part_xml(table)


def _field_character(paragraph: Docx, kind: str) -> None:
    character = OxmlElement("w:fldChar")
    character.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(character)


def _page_number(footer: Docx, alignment: WD_ALIGN_PARAGRAPH) -> None:
    """The page number, — N — with N the PAGE field, one character in from the outside edge."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.alignment = alignment
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE  # one character in
    else:
        paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    paragraph.add_run("— ")
    _field_character(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    _field_character(paragraph, "separate")
    paragraph.add_run("1")  # what a reader that does not update fields shows
    _field_character(paragraph, "end")
    paragraph.add_run(" —")


def new_document(*, title: str = "", author: str = "") -> Docx:
    """An empty A4 公文 with its styles, margins and page numbers set."""
    document = Document()
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # its theme fonts and spacing would show through every style
        document.styles.element.remove(defaults)
    for name, font, base in (
        ("Normal", FANGSONG, None),
        ("Heading 1", HEITI, "Normal"),
        ("Heading 2", KAITI, "Normal"),
    ):
        _style(document, name, font=font, size=BODY_SIZE, base=base, indent=INDENT, condensed=True)
    _outline(document.styles["Heading 1"], 0)
    _outline(document.styles["Heading 2"], 1)
    centred = WD_ALIGN_PARAGRAPH.CENTER
    _style(document, "Title", font=XIAOBIAOSONG, size=TITLE_SIZE, alignment=centred)
    document.styles["Title"].paragraph_format.keep_with_next = True
    _style(document, TABLE_TEXT, font=FANGSONG, size=TABLE_SIZE, line=None)
    _style(document, TABLE_HEADING, font=HEITI, size=TABLE_SIZE, alignment=centred, line=None)
    _style(document, PICTURE, font=FANGSONG, size=BODY_SIZE, alignment=centred, line=None)
    document.styles[PICTURE].paragraph_format.keep_with_next = True
    _style(document, "Caption", font=FANGSONG, size=TABLE_SIZE, alignment=centred)
    signature = WD_ALIGN_PARAGRAPH.RIGHT
    _style(document, SIGNATURE, font=FANGSONG, size=BODY_SIZE, alignment=signature, condensed=True)
    _style(document, "Footer", font=SONGTI, size=PAGE_NUMBER_SIZE, line=FOOTER_LINE)
    _font_alternatives(document)

    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = FOOTER_DISTANCE
    section._sectPr.find(qn("w:docGrid")).set(qn("w:linePitch"), str(LINE.twips))
    # GB/T 9704 7.5: odd pages numbered on the right, even pages on the left.
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    document.core_properties.title = title
    document.core_properties.author = author
    return document


def title(document: Docx, text: str) -> Docx:
    """The title, centred, with an empty line below it."""
    paragraph = document.add_paragraph(text, style="Title")
    paragraph.paragraph_format.space_after = LINE
    if not document.core_properties.title:
        document.core_properties.title = text
    return paragraph


def heading1(document: Docx, text: str) -> Docx:
    """A level-1 heading, numbered by the caller: 一、"""
    return document.add_paragraph(text, style="Heading 1")


def heading2(document: Docx, text: str) -> Docx:
    """A level-2 heading, numbered by the caller: （一）"""
    return document.add_paragraph(text, style="Heading 2")


def paragraph(document: Docx, text: str) -> Docx:
    """A paragraph of body text."""
    return document.add_paragraph(text, style="Normal")


def table(
    document: Docx,
    header: list[str],
    rows: list[list[Any]],
    *,
    widths: list[int] | None = None,
) -> Docx:
    """A grid as wide as the type area, its columns in the given proportions (equal by
    default), the header row repeated on each page; the first column reads left-aligned."""
    proportions = widths or [1] * len(header)
    columns = [Length(TYPE_WIDTH * p // sum(proportions)) for p in proportions]
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, columns, strict=True):
        column.width = width
    repeat = OxmlElement("w:tblHeader")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values, style in [(header, TABLE_HEADING), *((r, TABLE_TEXT) for r in rows)]:
        cells = grid.rows[0].cells if style == TABLE_HEADING else grid.add_row().cells
        for number, (cell, value, width) in enumerate(zip(cells, values, columns, strict=True)):
            cell.width = width
            cell.text = str(value)
            cell.paragraphs[0].style = document.styles[style]
            if style == TABLE_TEXT and number:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    return grid


def picture(document: Docx, image: BinaryIO, *, width: Length) -> Docx:
    """A picture centred on its own line, at most as wide as the type area."""
    document.add_picture(image, width=Length(min(width, TYPE_WIDTH)))
    picture = document.paragraphs[-1]
    picture.style = document.styles[PICTURE]
    return picture


def caption(document: Docx, text: str) -> Docx:
    """The caption under a picture (图1　…)."""
    return document.add_paragraph(text, style="Caption")


def chinese_date(day: date) -> str:
    """2026年12月2日: the year in full, month and day without a leading zero."""
    return f"{day.year}年{day.month}月{day.day}日"


def _width(text: str) -> int:
    """The width of a text in half characters (digits and Latin letters are half wide)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def signature(document: Docx, office: str, day: date) -> None:
    """The issuing office and the date under the text, after an empty line (GB/T 9704
    7.3.5.2, without a seal): the office ends two characters from the right margin and the
    date starts two characters right of the office's first character, or, when that would
    run past the office's end, ends where the office does."""
    written = chinese_date(day)
    name = document.add_paragraph(office, style=SIGNATURE)
    name.paragraph_format.space_before = LINE
    name.paragraph_format.right_indent = INDENT
    dated = document.add_paragraph(written, style=SIGNATURE)
    half_characters = max(_width(office) - _width(written), 4)
    dated.paragraph_format.right_indent = Twips(CHAR.twips * half_characters // 2)
    if not document.core_properties.author:
        document.core_properties.author = office
