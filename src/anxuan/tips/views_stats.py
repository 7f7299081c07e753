"""The office's statistics of tips (Build §9): charts, tables and an .xlsx of the same
figures, all from tips.selectors.tip_figures, over a date range (this calendar year by
default) for the office's jurisdiction or an office below it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from anxuan.core.forms import DateInput
from anxuan.core.http import AuthenticatedHttpRequest, query_id
from anxuan.core.sheets import sheet_row
from anxuan.core.views import xlsx_response
from anxuan.orgs.enums import OFFICE_ROLES
from anxuan.orgs.models import Organization
from anxuan.orgs.rules import has_role_over
from anxuan.tips import clocks
from anxuan.tips.selectors import Row, Tally, TipFigures, offices_of, stats_office_for, tip_figures

LONGEST_DAYS = 3660  # ten years of months is as far as a chart of months stays legible
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")  # the statistics table's header
NUMBER_FORMATS = {
    "verified_rate": "0.0",
    "mean_days": "0.0",
    "median_days": "0.0",
    "rewards_proposed": "0.00",
    "rewards_paid": "0.00",
}


class RangeForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the range is before its start."))
            if (end - start).days > LONGEST_DAYS:
                raise forms.ValidationError(_("Choose a range of at most ten years."))
        return data


@dataclass(frozen=True)
class Column:
    """A column of the tables and the .xlsx: its key (data-figure on the page), header and
    how to read it from a tally."""

    key: str
    header: str
    value: Callable[[Tally], int | Decimal | None]


def columns() -> list[Column]:
    return [
        Column("received", _("Tips received"), lambda t: t.received),
        Column("accepted", _("Accepted for handling"), lambda t: t.accepted),
        Column("verified", _("Verified"), lambda t: t.verified),
        Column("verified_rate", _("Verified rate (%)"), lambda t: t.verified_rate),
        Column("overdue", _("Overdue"), lambda t: t.overdue),
        Column("exposed", _("Exposed"), lambda t: t.exposed),
    ]


def breakdowns(figures: TipFigures) -> list[tuple[str, str, list[Row]]]:
    """(key, title, rows) of each table, in the page's and the workbook's order."""
    return [
        ("region", _("By region"), figures.by_region),
        ("category", _("By category"), figures.by_category),
        ("channel", _("By channel"), figures.by_channel),
        ("month", _("By month"), figures.by_month),
        ("state", _("By state"), figures.by_state),
    ]


def summary(figures: TipFigures) -> list[tuple[str, str, int | Decimal | None]]:
    """(key, label, value) of the headline figures."""
    total = figures.total
    return [
        ("received", _("Tips received"), total.received),
        ("accepted", _("Accepted for handling"), total.accepted),
        ("verified", _("Verified"), total.verified),
        ("verified_rate", _("Verified rate (%)"), total.verified_rate),
        ("overdue", _("Overdue"), total.overdue),
        ("exposed", _("Marked for media exposure"), total.exposed),
        ("closed", _("Closed (with a time to close)"), figures.closed),
        ("mean_days", _("Mean days to close"), figures.mean_days_to_close),
        ("median_days", _("Median days to close"), figures.median_days_to_close),
        ("rewards_proposed", _("Rewards proposed (yuan)"), figures.rewards_proposed),
        ("rewards_paid", _("Rewards paid (yuan)"), figures.rewards_paid),
        ("merged", _("Merged into another tip (not counted)"), figures.merged),
    ]


def _query(office: Organization, start: date, end: date) -> str:
    return urlencode({"office": office.pk, "start": start.isoformat(), "end": end.isoformat()})


def _chart(
    key: str,
    title: str,
    kind: str,
    rows: list[Row],
    series: list[Column],
    *,
    labels: list[str] | None = None,
    links: list[str | None] | None = None,
) -> dict[str, Any]:
    """A chart as static/anxuan/charts.js draws it (the payload of dashboards.charts.Chart,
    which tips may not import)."""
    return {
        "key": key,
        "title": title,
        "kind": kind,
        "categories": labels or [row.label for row in rows],
        "series": [
            {"name": c.header, "values": [c.value(row.tally) for row in rows]} for c in series
        ],
        "unit": "",
        "links": links or [],
    }


def _month_labels(figures: TipFigures) -> list[str]:
    """Short names on the month axis, so that a year of months fits a phone: 一月 … 十二月
    within one calendar year, 2026-07 across years."""
    months = [date.fromisoformat(f"{row.key}-01") for row in figures.by_month]
    one_year = figures.start.year == figures.end.year
    return [date_format(m, "M" if one_year else "Y-m") for m in months]


def charts(figures: TipFigures, drill: Callable[[Row], str | None]) -> list[dict[str, Any]]:
    """Per month (received and verified), by category (received) and by region (received,
    verified, overdue; a region's bar opens its own figures)."""
    named = {c.key: c for c in columns()}
    received, verified, overdue = named["received"], named["verified"], named["overdue"]
    regions = figures.by_region
    return [
        _chart(
            "months",
            _("Tips per month"),
            "bar",
            figures.by_month,
            [received, verified],
            labels=_month_labels(figures),
        ),
        _chart("categories", _("Tips by category"), "hbar", figures.by_category, [received]),
        _chart(
            "regions",
            _("Tips by region"),
            "hbar",
            regions,
            [received, verified, overdue],
            links=[drill(row) for row in regions],
        ),
    ]


def _office_and_form(
    request: AuthenticatedHttpRequest,
) -> tuple[Organization, RangeForm]:
    """The office asked for (authorised: 403 without office work, 404 out of reach) and
    the range, bound to this calendar year where the query leaves it out."""
    if not request.user.has_perm("orgs.office_work"):
        raise PermissionDenied
    office = stats_office_for(request.user, query_id(request.GET.get("office")))
    today = clocks.today()
    form = RangeForm(
        {
            "start": request.GET.get("start") or date(today.year, 1, 1).isoformat(),
            "end": request.GET.get("end") or date(today.year, 12, 31).isoformat(),
        }
    )
    return office, form


def _page(request: AuthenticatedHttpRequest, office: Organization, form: RangeForm) -> HttpResponse:
    user = request.user
    figures = (
        tip_figures(office, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        if form.is_valid()
        else None
    )
    context: dict[str, Any] = {
        "office": office,
        "form": form,
        "figures": figures,
        "offices": offices_of(user),
        "parent": office.parent
        if office.parent and has_role_over(user, office.parent, OFFICE_ROLES)
        else None,
    }
    if figures is not None:
        here = reverse("tips:tip_stats")

        def drill(row: Row) -> str | None:
            if row.organization is None or not row.handled_within:
                return None  # its tips are handled here: its own page would show none
            return f"{here}?{_query(row.organization, figures.start, figures.end)}"

        heads = columns()
        context.update(
            query=_query(office, figures.start, figures.end),
            summary={key: value for key, _label, value in summary(figures)},
            columns=heads,
            tables=[
                (
                    key,
                    title,
                    [
                        (row, drill(row), [(c.key, c.value(row.tally)) for c in heads])
                        for row in rows
                    ],
                )
                for key, title, rows in breakdowns(figures)
            ],
            charts=charts(figures, drill) if figures.received else [],
        )
    return render(request, "tips/stats.html", context, status=200 if figures else 400)


@login_required
@require_GET
def tip_stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The jurisdiction's tips in figures: per month, by category and by region as charts;
    every breakdown as a table; the headline figures."""
    office, form = _office_and_form(request)
    return _page(request, office, form)


def _sheet(sheet: Worksheet, head: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    """A header row, shaded as the statistics table's, and the rows under it."""
    sheet.append(sheet_row(head))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for row in rows:
        sheet.append(sheet_row(row))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def stats_xlsx(figures: TipFigures) -> bytes:
    """The page's figures as a workbook: the headline figures, then a sheet per breakdown
    (a row per group, a column per count; numbers stay numbers, text never a formula)."""
    workbook = Workbook()
    first = workbook.active
    first.title = _("Summary")[:31]
    first.append(sheet_row([_("Tips of %(office)s") % {"office": figures.office.name}]))
    first["A1"].font = Font(size=14, bold=True)
    first.append(
        sheet_row(
            [
                _("Received from %(start)s to %(end)s; overdue as of %(on)s")
                % {"start": figures.start, "end": figures.end, "on": figures.on}
            ]
        )
    )
    _sheet(
        first,
        [_("Figure"), _("Value")],
        [[label, value] for _key, label, value in summary(figures)],
        [36, 14],
    )
    for (key, _label, _value), (cell,) in zip(
        summary(figures), first.iter_rows(min_row=4, min_col=2, max_col=2), strict=True
    ):
        cell.number_format = NUMBER_FORMATS.get(key, "General")
    heads = columns()
    for _key, title, rows in breakdowns(figures):
        sheet = workbook.create_sheet(title[:31])
        _sheet(
            sheet,
            [title, *(c.header for c in heads)],
            [[row.label, *(c.value(row.tally) for c in heads)] for row in rows],
            [24, *(12 for _c in heads)],
        )
        total = figures.total
        sheet.append(sheet_row([_("Total"), *(c.value(total) for c in heads)]))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        rate_column = 2 + [c.key for c in heads].index("verified_rate")
        for (cell,) in sheet.iter_rows(min_row=2, min_col=rate_column, max_col=rate_column):
            cell.number_format = NUMBER_FORMATS["verified_rate"]
        sheet.freeze_panes = "B2"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


@login_required
@require_GET
def tip_stats_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same figures as the page, as .xlsx; a wrong range shows the page and its error."""
    office, form = _office_and_form(request)
    if not form.is_valid():
        return _page(request, office, form)
    data = form.cleaned_data
    figures = tip_figures(office, start=data["start"], end=data["end"])
    name = _("Tips") + f"-{office.name}-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.xlsx"
    return xlsx_response(stats_xlsx(figures), name)
