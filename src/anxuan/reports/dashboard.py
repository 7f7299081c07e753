"""A campaign's dashboard at any level: the roll-up and the figures as charts, each with a
table of its numbers and an .xlsx of the same (reports.charts). A bar for a unit that runs
its own campaign opens that campaign's dashboard; a bar for a unit that reports itself
opens its latest report."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Campaign, Indicator
from anxuan.reports.board import percent_text
from anxuan.reports.charts import Chart, Series
from anxuan.reports.enums import State
from anxuan.reports.models import (
    ActivityRecord,
    IndicatorValue,
    Submission,
)
from anxuan.reports.rollup import Figures, Rollup, RollupRow, build_figures, build_rollup
from anxuan.reports.selectors import latest_versions


@dataclass
class Dashboard:
    campaign: Campaign
    rollup: Rollup
    figures: Figures
    charts: list[Chart]
    indicators: list[Indicator]  # those with figures, in the statistics' columns
    statistics: list[tuple[RollupRow, list[Decimal]]]  # activities, people, indicators

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    @property
    def kpis(self) -> dict:
        overall = self.rollup.overall
        return {
            "reporting": percent_text(overall.reporting),
            "timeliness": percent_text(overall.timeliness),
            "units": sum(r.units for r in self.rollup.rows),
            "activities": int(self.figures.totals.get("a", 0)),
            "people": int(self.figures.totals.get("p", 0)),
        }


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _own_units(campaign: Campaign, rows: list[RollupRow]) -> tuple[dict, dict]:
    """For the participants that report themselves: ({participant id: {metric: value}}, in
    FigureTally's metrics, from their latest versions; {participant id: latest report id})."""
    direct = [r.participant.pk for r in rows if r.child is None]
    reports = Submission.objects.filter(
        participant__in=direct, requirement__campaign=campaign
    ).exclude(state=State.DRAFT)
    latest_report = dict(
        reports.values("participant_id")
        .annotate(latest=Max("id"))
        .values_list("participant_id", "latest")
    )
    versions = latest_versions(campaign).filter(submission__participant__in=direct).values("id")
    unit = "version__submission__participant_id"
    figures: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pk, n, people in (
        ActivityRecord.objects.filter(version__in=versions)
        .values(unit)
        .annotate(n=Count("pk"), people=Sum("people_reached"))
        .values_list(unit, "n", "people")
    ):
        figures[pk].update(a=Decimal(n), p=Decimal(people))
    for pk, indicator, total in (
        IndicatorValue.objects.filter(
            version__in=versions, version__submission__state=State.ACCEPTED
        )
        .values(unit, "indicator_id")
        .annotate(total=Sum("value"))
        .values_list(unit, "indicator_id", "total")
    ):
        figures[pk][f"i:{indicator}"] = total
    return figures, latest_report


def _links(
    rows: list[RollupRow], latest_report: dict, can_open: Callable[[Campaign], bool]
) -> list[str | None]:
    links = []
    for row in rows:
        if row.child is not None:
            ok = can_open(row.child)
            links.append(reverse("dashboard", args=[row.child.pk]) if ok else None)
        else:
            report = latest_report.get(row.participant.pk)
            links.append(reverse("report_detail", args=[report]) if report else None)
    return links


def _ranked(title: str, key: str, pairs: list, unit: str) -> Chart:
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
    rollup = build_rollup(campaign)
    periods = rollup.periods
    figures = build_figures(rollup)
    own, latest_report = _own_units(campaign, rollup.rows)
    rows = rollup.rows
    names = [r.participant.organization.name for r in rows]
    links = _links(rows, latest_report, can_open)
    labels = [p.label for p in periods]
    weeks = [i for i, p in enumerate(periods) if p.requirement.schedule == Schedule.WEEKLY]
    indicators = {
        f"i:{i.pk}": i
        for i in Indicator.objects.filter(
            pk__in=[int(m[2:]) for m in figures.totals if m.startswith("i:")]
        )
    }

    def row_figure(row: RollupRow, metric: str) -> Decimal:
        if row.child is None:
            return own.get(row.participant.pk, {}).get(metric, Decimal(0))
        return figures.by_child.get(row.child.pk, {}).get(metric, Decimal(0))

    charts = [
        Chart(
            key="periods",
            title=_("Reporting and timely rate per period"),
            kind="bar",
            categories=labels,
            series=[
                Series(
                    _("Reporting rate"),
                    [percent(r.reported, r.expected) for r in rollup.period_rates],
                ),
                Series(
                    _("Timely rate"), [percent(r.timely, r.expected) for r in rollup.period_rates]
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
                (name, row_figure(row, "a"), link)
                for name, row, link in zip(names, rows, links, strict=True)
            ],
            _("activities"),
        ),
    ]
    for key, prefix, title, kind in (
        ("types", "t:", _("Activities by type"), "pie"),
        ("domains", "d:", _("Activities by domain"), "bar"),
    ):
        counts = sorted(
            ((m[2:], v) for m, v in figures.totals.items() if m.startswith(prefix)),
            key=lambda pair: -pair[1],
        )
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
            series=[Series(_("Total"), [figures.totals[m] for m in indicators])],
        )
    )
    trend = [("a", _("Activities"))] + [(m, i.name) for m, i in indicators.items()]
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
    statistics = [(row, [row_figure(row, m) for m in ("a", "p", *indicators)]) for row in rows]
    return Dashboard(campaign, rollup, figures, charts, list(indicators.values()), statistics)
