"""Every Word document Anxuan writes is laid out as a 公文 (GB/T 9704-2012): A4, the standard
margins, 小标宋 title, 仿宋 body, 黑体 and 楷体 headings, "— 1 —" page numbers, the office and
the date at the end. Each check reads the saved file back, as Word would open it."""

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image

from anxuan.core import gongwen


def mm(length) -> float:
    """In millimetres to 0.1 mm: Word stores lengths in twips (1/1440 inch)."""
    return round(length.mm, 1)


def east_asian_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def aligned(paragraph):
    """The paragraph's alignment, its own or its style's."""
    return paragraph.alignment or paragraph.style.paragraph_format.alignment


def footer_layout(footer) -> tuple[str, list[str], object]:
    """The footer's visible text, its field codes and its alignment."""
    (paragraph,) = footer.paragraphs
    codes = [c.text.strip() for c in paragraph._p.iter(qn("w:instrText"))]
    return paragraph.text, codes, paragraph.alignment


def assert_gongwen_layout(document, *, office: str, day: str) -> None:
    """What an office checks before sending a document upward: paper, margins, the fonts and
    sizes of each level of text, black headings, the page numbers and the closing lines."""
    (section,) = document.sections
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [mm(margin) for margin in margins] == [37, 35, 28, 26]

    styles = document.styles
    fonts = {
        name: (east_asian_font(styles[name]), styles[name].font.size)
        for name in ("Title", "Normal", "Heading 1", "Heading 2")
    }
    assert fonts == {
        "Title": ("方正小标宋简体", Pt(22)),
        "Normal": ("仿宋_GB2312", Pt(16)),
        "Heading 1": ("黑体", Pt(16)),
        "Heading 2": ("楷体_GB2312", Pt(16)),
    }
    latin = {styles[name].font.name for name in ("Title", "Normal", "Heading 1", "Heading 2")}
    assert latin == {"Times New Roman"}
    for name in ("Title", "Heading 1", "Heading 2"):
        assert (styles[name].font.color.rgb, styles[name].font.bold) == (RGBColor(0, 0, 0), False)
    assert styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = styles["Normal"].paragraph_format
    # 22 lines in the 225 mm type area, 28 characters across its 156 mm, two-character indent.
    assert (body.line_spacing, body.first_line_indent) == (Pt(28.95), Pt(31.5))

    assert document.settings.odd_and_even_pages_header_footer
    assert footer_layout(section.footer) == ("— 1 —", ["PAGE"], WD_ALIGN_PARAGRAPH.RIGHT)
    assert footer_layout(section.even_page_footer) == ("— 1 —", ["PAGE"], WD_ALIGN_PARAGRAPH.LEFT)
    footer = styles["Footer"]
    assert (east_asian_font(footer), footer.font.size) == ("宋体", Pt(14))

    closing = [(p.text, aligned(p)) for p in document.paragraphs[-2:]]
    assert closing == [(office, WD_ALIGN_PARAGRAPH.RIGHT), (day, WD_ALIGN_PARAGRAPH.RIGHT)]


def saved(document) -> object:
    out = io.BytesIO()
    document.save(out)
    return Document(io.BytesIO(out.getvalue()))


def test_a_document_has_the_gongwen_layout_when_read_back():
    document = gongwen.new_document()
    gongwen.title(document, "2026年“安全生产月”活动总结")
    gongwen.heading1(document, "一、总体情况")
    gongwen.heading2(document, "（一）活动类型")
    gongwen.paragraph(document, "参加单位 3 个。")
    gongwen.signature(document, "某某县安全生产委员会办公室", date(2026, 12, 2))

    read_back = saved(document)

    assert_gongwen_layout(read_back, office="某某县安全生产委员会办公室", day="2026年12月2日")
    assert [(p.text, p.style.name) for p in read_back.paragraphs[:4]] == [
        ("2026年“安全生产月”活动总结", "Title"),
        ("一、总体情况", "Heading 1"),
        ("（一）活动类型", "Heading 2"),
        ("参加单位 3 个。", "Normal"),
    ]


def test_the_date_under_the_office_starts_two_characters_to_its_right():
    """GB/T 9704 7.3.5.2: the office's name ends two characters from the right margin and the
    date's first character sits two characters right of the name's first one."""
    document = gongwen.new_document()
    gongwen.signature(document, "某某县安全生产委员会办公室", date(2026, 12, 15))

    office, day = saved(document).paragraphs[-2:]

    # 13 characters of name and 7 of date (its digits half wide): the name starts 15
    # characters from the right margin, the date 13, so 6 remain to its right.
    assert (office.paragraph_format.right_indent, day.paragraph_format.right_indent) == (
        Pt(15.75 * 2),
        Pt(15.75 * 6),
    )
    assert day.text == "2026年12月15日"


def test_a_table_fills_the_type_area_in_a_smaller_fangsong():
    document = gongwen.new_document()
    gongwen.table(
        document,
        ["单位", "应报", "已报"],
        [["城关镇", 4, 3], ["县交通运输局", 4, 0]],
        widths=[2, 1, 1],
    )

    (table,) = saved(document).tables

    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["单位", "应报", "已报"],
        ["城关镇", "4", "3"],
        ["县交通运输局", "4", "0"],
    ]
    assert [mm(column.width) for column in table.columns] == [78, 39, 39]
    cells = {cell.paragraphs[0].style.name for row in table.rows[1:] for cell in row.cells}
    assert cells == {"表格文字"}
    style = table.rows[1].cells[0].paragraphs[0].style
    assert (east_asian_font(style), style.font.size) == ("仿宋_GB2312", Pt(14))
    assert table.rows[0].cells[0].paragraphs[0].style.name == "表头"


def test_a_picture_never_runs_past_the_type_area():
    png = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(png, "PNG")
    document = gongwen.new_document()

    gongwen.picture(document, png, width=Mm(200))
    gongwen.caption(document, "图1　各镇报送率")

    read_back = saved(document)
    assert [mm(shape.width) for shape in read_back.inline_shapes] == [156]
    assert [(p.text, p.style.name) for p in read_back.paragraphs] == [
        ("", "图片"),
        ("图1　各镇报送率", "Caption"),
    ]


def test_the_font_table_names_a_fallback_for_each_gongwen_font():
    """Where 方正小标宋简体 or the _GB2312 fonts are not installed, Word takes the font table's
    alternative name rather than a Latin font."""
    package = saved(gongwen.new_document()).part.package
    (table,) = (p for p in package.iter_parts() if p.partname == "/word/fontTable.xml")
    fonts = parse_xml(table.blob).findall(qn("w:font"))
    alternatives = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in fonts
        if font.find(qn("w:altName")) is not None
    }
    assert alternatives == {
        "方正小标宋简体": "宋体",
        "仿宋_GB2312": "仿宋",
        "楷体_GB2312": "楷体",
        "黑体": "SimHei",
    }
