"""A dashboard chart as the browser gets it, as a picture for Word and as a spreadsheet."""

import io
import json
import subprocess
import sys
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from anxuan.dashboards import charts
from anxuan.dashboards.charts import Chart, Series, chart_png, chart_xlsx

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def seven_visits() -> Chart:
    return Chart(
        key="types",
        title="七进活动场次",
        kind="hbar",
        categories=["进企业", "进农村", "进社区"],
        series=[Series("场次", [42, 35, None])],
        unit="场",
        links=["/campaigns/1/?type=enterprise", None, "/campaigns/1/?type=community"],
    )


def town_rates() -> Chart:
    return Chart(
        key="rates",
        title="各镇报送率",
        kind="bar",
        categories=["城关镇", "宣化镇", "县交通运输局"],
        series=[
            Series("报送率", [Decimal("87.5"), Decimal("100.0"), Decimal("33.3")]),
            Series("及时率", [Decimal("62.5"), 100, None]),
        ],
        unit="%",
    )


def test_payload_is_json_with_decimals_as_numbers_and_keeps_the_links():
    payload = json.loads(json.dumps(seven_visits().payload()))
    rates = json.loads(json.dumps(town_rates().payload()))

    assert payload == {
        "key": "types",
        "title": "七进活动场次",
        "kind": "hbar",
        "categories": ["进企业", "进农村", "进社区"],
        "series": [{"name": "场次", "values": [42, 35, None]}],
        "unit": "场",
        "links": ["/campaigns/1/?type=enterprise", None, "/campaigns/1/?type=community"],
    }
    assert rates["series"][0]["values"] == [87.5, 100.0, 33.3]
    assert rates["links"] == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "radar"}, "unknown chart kind"),
        ({"key": "rates by town"}, "not url-safe"),
        ({"series": [Series("报送率", [1, 2])]}, "a value per category"),
        ({"links": ["/a/"]}, "one entry"),
        ({"kind": "pie"}, "exactly one series"),
    ],
)
def test_a_chart_that_would_draw_wrong_is_refused(change, message):
    fields = {**town_rates().__dict__, **change}

    with pytest.raises(ValueError, match=message):
        Chart(**fields)


@pytest.mark.parametrize("kind", ["bar", "hbar", "line"])
def test_png_is_the_asked_size_at_150_dpi(kind):
    chart = town_rates()
    chart.kind = kind

    png = chart_png(chart, width=15, height=7.5)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == pytest.approx((15 / 2.54 * 150, 7.5 / 2.54 * 150), abs=1)
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.05)  # PNG stores pixels per metre


@pytest.mark.skipif(not NOTO_CJK.exists(), reason="needs Debian's fonts-noto-cjk")
@pytest.mark.parametrize("chart", [seven_visits(), town_rates()], ids=["hbar", "bar"])
def test_chinese_draws_in_noto_sans_cjk_without_missing_glyphs(chart):
    pie = Chart("domains", "宣传领域", "pie", ["消防", "道路交通"], [Series("场次", [3, 5])])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = [chart_png(chart), chart_png(pie)]

    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert charts._font_families() == ("Noto Sans CJK SC", "DejaVu Sans")
    assert all(png.startswith(b"\x89PNG") for png in pngs)


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Font SC",))
    charts._font_families.cache_clear()
    yield
    charts._font_families.cache_clear()


def test_without_a_cjk_font_it_still_draws(no_cjk_font, caplog):
    png = chart_png(seven_visits())  # a glyph warning would be an error in this test run

    assert Image.open(io.BytesIO(png)).size[0] > 0
    assert "No CJK font found" in caplog.text


def test_xlsx_holds_the_same_numbers_under_names_and_unit():
    out = io.BytesIO()

    chart_xlsx(town_rates(), out)

    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("各镇报送率", "报送率（%）", "及时率（%）"),
        ("城关镇", 87.5, 62.5),
        ("宣化镇", 100, 100),
        ("县交通运输局", 33.3, None),
    ]
    assert sheet["B2"].data_type == "n"


def test_xlsx_of_counts_keeps_whole_numbers():
    out = io.BytesIO()

    chart_xlsx(seven_visits(), out)

    rows = list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True))
    assert rows == [
        ("七进活动场次", "场次（场）"),
        ("进企业", 42),
        ("进农村", 35),
        ("进社区", None),
    ]
    assert isinstance(rows[1][1], int)


def test_pages_that_only_describe_charts_do_not_load_matplotlib():
    code = "import sys, anxuan.dashboards.charts; print('matplotlib' in sys.modules)"

    # Our own interpreter with a fixed argument.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # noqa: S603

    assert result.stdout == b"False\n"
