"""A campaign's dashboard at any level: its figures (rollup.figures) as charts, each with a
table of its numbers and an .xlsx of the same (dashboards.charts). A bar for a unit that runs
its own campaign opens that campaign's dashboard; a bar for a unit that reports itself
opens its latest report."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Campaign
from anxuan.dashboards.charts import Chart, Series, Value
from anxuan.integrity.selectors import FlagTotals, flag_totals
from anxuan.rollup.board import percent_text
from anxuan.rollup.figures import ACTIVITIES, PEOPLE, CampaignFigures, FigureRow, campaign_figures


@dataclass
class Dashboard:
    campaign: Campaign
    figures: CampaignFigures
    charts: list[Chart]
    flags: FlagTotals | None = None  # formalism flags (integrity), in and below the campaign

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    @property
    def kpis(self) -> dict[str, Any]:
        overall = self.figures.overall
        return {
            "reporting": percent_text(overall.reporting),
            "timeliness": percent_text(overall.timeliness),
            "reported": overall.reported,
            "expected": overall.expected,
            "accepted": overall.accepted,
            "units": self.figures.units,
            "activities": int(self.figures.total(ACTIVITIES)),
            "people": int(self.figures.total(PEOPLE)),
            "flags_confirmed": self.flags.confirmed if self.flags else 0,
            "flags_open": self.flags.open if self.flags else 0,
        }


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _links(rows: list[FigureRow], can_open: Callable[[Campaign], bool]) -> list[str | None]:
    links = []
    for row in rows:
        if row.child is not None:
            ok = can_open(row.child)
            links.append(reverse("dashboards:dashboard", args=[row.child.pk]) if ok else None)
        else:
            report = row.latest_report
            links.append(reverse("reports:report_detail", args=[report]) if report else None)
    return links


def _ranked(title: str, key: str, pairs: list[tuple[str, Value, str | None]], unit: str) -> Chart:
    """A horizontal ranking, largest first; `pairs` are (name, value, link)."""
    pairs = sorted(pairs, key=lambda p: -(p[1] or 0))
    return Chart(
        key=key,
        title=title,
        kind="hbar",
        categories=[p[0] for p in pairs],
        series=[Series(title, [p[1] for p in pairs])],
        unit=unit,
        links=[p[2] for p in pairs] if any(p[2] for p in pairs) else [],
    )


def build_dashboard(
    campaign: Campaign, *, can_open: Callable[[Campaign], bool] = lambda _child: False
) -> Dashboard:
    """`can_open`: whether the viewer may open a child campaign's dashboard (its bar links)."""
    figures = campaign_figures(campaign)
    periods = figures.periods
    rows = figures.rows
    names = [r.participant.organization.name for r in rows]
    links = _links(rows, can_open)
    labels = [p.label for p in periods]
    weeks = [i for i, p in enumerate(periods) if p.requirement.schedule == Schedule.WEEKLY]
    indicators = {f"i:{i.pk}": i for i in figures.indicators_with_figures()}
    charts = [
        Chart(
            key="periods",
            title=_("Reporting and timely rate per period"),
            kind="bar",
            categories=labels,
            series=[
                Series(
                    _("Reporting rate"),
                    [percent(r.reported, r.expected) for r in figures.period_rates],
                ),
                Series(
                    _("Timely rate"), [percent(r.timely, r.expected) for r in figures.period_rates]
                ),
            ],
            unit="%",
        ),
        _ranked(
            _("Reporting rate per unit"),
            "units",
            [
                (name, percent(row.rate.reported, row.rate.expected), link)
                for name, row, link in zip(names, rows, links, strict=True)
            ],
            "%",
        ),
        _ranked(
            _("Reports not received"),
            "missing",
            [
                (name, row.rate.expected - row.rate.reported, link)
                for name, row, link in zip(names, rows, links, strict=True)
                if row.rate.expected > row.rate.reported
            ],
            _("reports"),
        ),
        _ranked(
            _("Ranking by activities held"),
            "ranking",
            [
                (name, row.value(ACTIVITIES), link)
                for name, row, link in zip(names, rows, links, strict=True)
            ],
            _("activities"),
        ),
    ]
    for key, prefix, title, kind in (
        ("types", "t:", _("Activities by type"), "pie"),
        ("domains", "d:", _("Activities by domain"), "bar"),
    ):
        counts = figures.counts(prefix)
        charts.append(
            Chart(
                key=key,
                title=title,
                kind=kind,
                categories=[name for name, _v in counts],
                series=[Series(_("Activities"), [v for _n, v in counts])],
                unit=_("activities"),
            )
        )
    charts.append(
        Chart(
            key="indicators",
            title=_("Indicator totals of accepted reports"),
            kind="bar",
            categories=[f"{i.name}（{i.unit}）" for i in indicators.values()],
            series=[Series(_("Total"), [figures.total(m) for m in indicators])],
        )
    )
    trend = [(ACTIVITIES, _("Activities"))] + [(m, i.name) for m, i in indicators.items()]
    weekly = {
        m: [figures.by_period[m][i] for i in weeks] for m, _n in trend if m in figures.by_period
    }
    charts.append(
        Chart(
            key="trend",
            title=_("Activities and indicators week by week"),
            kind="line",
            categories=[labels[i] for i in weeks],
            series=[Series(name, weekly[m]) for m, name in trend if any(weekly.get(m, []))],
        )
    )
    return Dashboard(campaign, figures, charts, flag_totals(campaign))
