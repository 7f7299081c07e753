"""A chart described once and drawn three ways: by the browser (ECharts reads `payload()`),
as a PNG for the Word summary (matplotlib) and as an .xlsx of the same numbers.

Values of a chart with unit "%" are percentages, 0–100 (87.5, not 0.875)."""

import functools
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any, BinaryIO

from anxuan.core.sheets import sheet_row

if TYPE_CHECKING:
    from matplotlib.axes import Axes

logger = logging.getLogger(__name__)

Value = Decimal | int | float | None
KINDS = ("bar", "hbar", "line", "pie")
# ECharts 6's default palette, so a chart in the Word summary looks like the one on the page.
PALETTE = (
    "#5070dd",
    "#b6d634",
    "#505372",
    "#ff994d",
    "#0ca8df",
    "#ffd10a",
    "#fb628b",
    "#785db0",
    "#3fbe95",
)
# Fonts with simplified Chinese glyphs, best first: Debian's fonts-noto-cjk, then those of
# other systems an office may run on.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
DPI = 150
INK, MUTED, GRID = "#1f2933", "#616e7c", "#d9e2ec"  # app.css's --fg, --muted, --line


@dataclass
class Series:
    name: str
    values: Sequence[Value]


@dataclass
class Chart:
    key: str  # unique within a dashboard, url-safe: "rates", "types", ...
    title: str  # already translated text
    # "bar" (vertical bars, categories on x), "hbar" (horizontal bars, a ranking, first
    # category on top), "line" (trend over periods), "pie" (one series)
    kind: str
    categories: list[str]
    series: list[Series]
    unit: str = ""  # "%" for rates (values 0–100), or an indicator unit like "场"
    links: list[str | None] = field(default_factory=list)  # drill-down URL per category

    def __post_init__(self) -> None:
        # A mismatch would draw shifted bars in one place and fail in another: refuse it here.
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", self.key):
            raise ValueError(f"chart key {self.key!r} is not url-safe")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.name!r} does not have a value per category")
        if self.links and len(self.links) != len(self.categories):
            raise ValueError("links need one entry (or None) per category")
        if self.kind == "pie" and len(self.series) != 1:
            raise ValueError("a pie chart has exactly one series")

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.series for v in s.values)

    def rows(self) -> list[dict[str, Any]]:
        """Category by category, for the table view: its name, values as text and link."""
        links = self.links or [None] * len(self.categories)
        return [
            {
                "category": category,
                "values": [value_text(s.values[i], self.unit) for s in self.series],
                "link": links[i],
            }
            for i, category in enumerate(self.categories)
        ]

    def payload(self) -> dict[str, Any]:
        """What charts.js draws, JSON-safe (Decimals as floats); put it in the page with
        `{{ chart.payload|json_script:id }}`."""
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "categories": list(self.categories),
            "series": [
                {"name": s.name, "values": [_number(v) for v in s.values]} for s in self.series
            ],
            "unit": self.unit,
            "links": list(self.links),
        }


def _number(value: Value) -> int | float | None:
    return float(value) if isinstance(value, Decimal) else value


def value_text(value: Value, unit: str) -> str:
    """A value as a label on the chart: 87.5% for rates, 12 or 3.25 otherwise."""
    if value is None:
        return ""
    if unit == "%":
        return f"{float(value):.1f}%"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


@functools.cache
def _font_families() -> tuple[str, ...]:
    """The CJK family to draw with, DejaVu Sans behind it for what it lacks; DejaVu Sans
    alone when no CJK font is installed (Chinese then shows as boxes, but it draws)."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not set(CJK_FAMILIES) & {f.name for f in manager.ttflist}:
        # matplotlib's font cache may predate the fonts' installation: add the files it missed.
        known = {f.fname for f in manager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    logger.debug("matplotlib cannot read the font %s", path)
    names = {f.name for f in manager.ttflist}
    found = [family for family in CJK_FAMILIES if family in names][:1]
    if not found:
        logger.warning("No CJK font found (install fonts-noto-cjk): chart text will not show")
    return (*found, "DejaVu Sans")


def chart_png(chart: Chart, *, width: float = 16, height: float = 8) -> bytes:
    """The chart as a PNG of `width` × `height` cm at 150 dpi, for a Word document. The title
    is left out: the document's caption carries it."""
    # Imported here: matplotlib costs a page view ~0.5 s and only the exports need it.
    import matplotlib
    from matplotlib.figure import Figure

    families = _font_families()
    style = {
        "font.family": list(families),
        "font.size": 9,
        "text.color": INK,
        "axes.edgecolor": GRID,
        "axes.labelcolor": MUTED,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),  # type: ignore[attr-defined]
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelcolor": INK,
        "ytick.labelcolor": INK,
        "legend.frameon": False,
    }
    with matplotlib.rc_context(style), warnings.catch_warnings():  # type: ignore[arg-type]
        if len(families) == 1:
            # Without a CJK font every Chinese character warns; the log already said why.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = Figure(figsize=(width / 2.54, height / 2.54), dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        if chart.kind == "pie":
            _pie(axes, chart)
        else:
            _bars_or_lines(axes, chart)
        out = BytesIO()
        figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _values(values: Sequence[Value]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def _bars_or_lines(axes: "Axes", chart: Chart) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    horizontal = chart.kind == "hbar"
    count, many = len(chart.categories), len(chart.series) > 1
    positions = list(range(count))
    band = 0.8 / len(chart.series) if chart.series else 0.8
    for index, series in enumerate(chart.series):
        values = _values(series.values)
        labels = [value_text(v, chart.unit) for v in series.values]
        if chart.kind == "line":
            (line,) = axes.plot(positions, values, marker="o", linewidth=2, label=series.name)
            # Labels of several lines run into each other; up to two years by month they fit.
            if not many and count <= 24:
                for x, y, text in zip(positions, values, labels, strict=True):
                    axes.annotate(
                        text, (x, y), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8, color=line.get_color(),
                    )  # fmt: skip
            continue
        offset = (index - (len(chart.series) - 1) / 2) * band
        spots = [p + offset for p in positions]
        draw = axes.barh if horizontal else axes.bar
        # A unit with nothing to count shows a dash at zero, so it does not read as 0.
        bars = draw(spots, [0.0 if v is None else float(v) for v in series.values], band * 0.9,
                    label=series.name, zorder=2)  # fmt: skip
        labels = [text or "—" for text in labels]
        axes.bar_label(bars, labels=labels, padding=2, fontsize=8, color=INK)

    value_axis = axes.xaxis if horizontal else axes.yaxis
    category_axis = axes.yaxis if horizontal else axes.xaxis
    category_axis.set_ticks(positions, labels=chart.categories)
    if horizontal:
        axes.invert_yaxis()  # a ranking reads from the top
    elif _crowded(chart.categories, axes.get_figure(root=True).get_figwidth()):  # type: ignore[union-attr]
        axes.tick_params(axis="x", labelrotation=35)
        for label in axes.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    if chart.unit == "%":
        # 0–100 with room beyond for the labels of full bars (beside them when horizontal).
        (axes.set_xlim if horizontal else axes.set_ylim)(0, 112 if horizontal else 106)
        value_axis.set_ticks(range(0, 101, 20))
        value_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
    else:
        highest = max((v for s in chart.series for v in _values(s.values) if v == v), default=0)
        # Head room for the labels above the highest bar; whole numbers for counts.
        (axes.set_xlim if horizontal else axes.set_ylim)(0, max(highest * 1.15, 1))
        value_axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
        if chart.unit:
            (axes.set_xlabel if horizontal else axes.set_ylabel)(chart.unit)
    axes.grid(axis="x" if horizontal else "y", color=GRID, linewidth=0.8, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left" if not horizontal else "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)
    if chart.kind == "line":
        axes.margins(x=0.04)
    if many:
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(chart.series))


def _crowded(categories: list[str], width_inches: float) -> bool:
    """Whether the category names side by side would run into each other (a CJK character
    is about 1/8 inch at 9 pt, Latin letters and digits half that)."""
    widths = [sum(1 if ord(c) > 0x2E80 else 0.55 for c in name) for name in categories]
    widest = max(widths, default=0)
    return widest * len(categories) / 8 > width_inches * 0.85


def _pie(axes: "Axes", chart: Chart) -> None:
    values = _values(chart.series[0].values)
    shown = [(c, v) for c, v in zip(chart.categories, values, strict=True) if v == v and v > 0]
    total = sum(v for _, v in shown)
    labels = [
        f"{name}\n{value_text(value, chart.unit)}{chart.unit if chart.unit != '%' else ''}"
        f"（{value / total * 100:.1f}%）"
        for name, value in shown
    ]
    axes.pie(
        [v for _, v in shown],
        labels=labels,
        colors=[PALETTE[i % len(PALETTE)] for i in range(len(shown))],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.45, "edgecolor": "white", "linewidth": 1.5},
        textprops={"fontsize": 8, "color": INK},
        labeldistance=1.12,
    )
    axes.set_aspect("equal")


def chart_xlsx(chart: Chart, out: BinaryIO) -> None:
    """The chart's numbers as a sheet: the title over the categories, a column per series
    headed by its name and unit, a row per category; numbers stay numbers, and no text
    becomes a formula (core.sheets)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", chart.title)[:31] or chart.key
    unit = f"（{chart.unit}）" if chart.unit else ""
    sheet.append(sheet_row([chart.title, *(f"{s.name}{unit}" for s in chart.series)]))
    for row, category in enumerate(chart.categories):
        sheet.append(sheet_row([category, *(_number(s.values[row]) for s in chart.series)]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")  # the statistics table's header
    if chart.unit == "%":
        for column in sheet.iter_cols(min_row=2, min_col=2):
            for cell in column:
                cell.number_format = "0.0"
    sheet.column_dimensions["A"].width = max(12, min(40, 2 * len(chart.title) + 2))
    for column in range(2, len(chart.series) + 2):
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = 16
    sheet.freeze_panes = "B2"
    workbook.save(out)
