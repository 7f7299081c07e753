"""charts.js in a real browser: charts drawn from the page's JSON under the site's content
security policy, from the app's own assets, a category with a link opening it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import json_script
from playwright.sync_api import expect

from anxuan.dashboards.charts import Chart, Series
from tests.e2e.browser import DESKTOP, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TYPES = Chart(
    "types",
    "七进活动场次",
    "hbar",
    ["进企业", "进农村", "进社区"],
    [Series("场次", [42, 35, 28])],
    "场",
    ["/chart-target/enterprise/", None, "/chart-target/community/"],
)
TREND = Chart(
    "trend",
    "每周报送率",
    "line",
    ["第1周", "第2周", "第3周"],
    [Series("报送率", [60, 80, 100]), Series("及时率", [40, 75, 98.5])],
    "%",
)
DOMAINS = Chart(
    "domains", "宣传领域", "pie", ["消防", "道路交通", "燃气"], [Series("场次", [3, 5, 0])]
)


def page_with(charts: list[Chart], body_class: str = "") -> str:
    """A page laid out as a dashboard template would write it."""
    blocks = "".join(
        f'<div class="chart" data-chart="chart-{c.key}-data"></div>'
        + json_script(c.payload(), f"chart-{c.key}-data")
        for c in charts
    )
    return (
        f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{static("anxuan/app.css")}">'
        f'<script src="{static("vendor/echarts/echarts.min.js")}" defer></script>'
        f'<script src="{static("anxuan/charts.js")}" defer></script></head>'
        f'<body class="{body_class}"><main>{blocks}</main></body></html>'
    )


def policy() -> str:
    return "; ".join(
        f"{name} {' '.join(sources)}"
        for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
    )


def serve(page, base: str, html: str) -> None:
    """The test page and the link targets, under the site's content security policy; the
    scripts and styles come from the live server."""
    page.route(
        f"{base}/chart-page/",
        lambda route: route.fulfill(
            body=html, content_type="text/html", headers={"Content-Security-Policy": policy()}
        ),
    )
    page.route(f"{base}/chart-target/**", lambda route: route.fulfill(body="ok"))


def point(page, index: int, value: float, category: int) -> dict:
    """Where a value of a category lies on the n-th chart, in page pixels."""
    return page.evaluate(
        """([index, value, category]) => {
            const box = document.querySelectorAll("[data-chart]")[index];
            const chart = echarts.getInstanceByDom(box);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value, category]);
            const r = box.getBoundingClientRect();
            return {x: r.left + x, y: r.top + y};
        }""",
        [index, value, category],
    )


def cursor(page, index: int) -> str:
    return page.evaluate(
        """(index) => {
            const box = document.querySelectorAll("[data-chart]")[index];
            return [box, ...box.querySelectorAll("*")].map(e => e.style.cursor).find(c => c);
        }""",
        index,
    )


def test_charts_draw_under_the_policy_and_a_linked_bar_opens_its_page(live_server, browser):
    page = open_page(browser, DESKTOP)
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    serve(page, live_server.url, page_with([TYPES, TREND, DOMAINS]))

    page.goto(f"{live_server.url}/chart-page/")
    expect(page.locator("[data-chart][data-drawn]")).to_have_count(3)

    boxes = page.locator("[data-chart]")
    texts = [boxes.nth(i).locator("svg text").all_text_contents() for i in range(3)]
    assert {"进企业", "进农村", "进社区", "42", "35", "28", "场"} <= set(texts[0])
    assert {"报送率", "及时率", "100%", "0%"} <= set(texts[1])  # legend, percent axis
    assert "120%" not in texts[1]
    assert texts[2] == ["消防", "3（37.5%）", "道路交通", "5（62.5%）"]  # none for 燃气's 0
    assert problems == []
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "charts.png"), full_page=True)

    unlinked = point(page, 0, 20, 1)
    page.mouse.move(unlinked["x"], unlinked["y"])
    assert cursor(page, 0) == "default"
    linked = point(page, 0, 20, 0)
    page.mouse.move(linked["x"], linked["y"])
    assert cursor(page, 0) == "pointer"
    page.mouse.click(linked["x"], linked["y"])
    page.wait_for_url(f"{live_server.url}/chart-target/enterprise/")


def test_the_screen_view_draws_dark_with_larger_text(live_server, browser):
    page = open_page(browser, DESKTOP)
    serve(page, live_server.url, page_with([TYPES], body_class="screen"))

    page.goto(f"{live_server.url}/chart-page/")
    expect(page.locator("[data-chart][data-drawn]")).to_have_count(1)

    model = page.evaluate(
        """() => {
            const box = document.querySelector("[data-chart]");
            const model = echarts.getInstanceByDom(box).getModel();
            return {
                size: model.get(["textStyle", "fontSize"]),
                background: model.get("backgroundColor"),
            };
        }"""
    )
    assert model["size"] == 18
    assert model["background"] not in ("", "transparent", "#fff", "#ffffff", None)
    page.screenshot(path=str(ARTIFACTS / "charts-screen.png"), full_page=True)
