"""The pages that gather everything: the home page and a campaign's dashboard of charts,
with its full-screen 大屏 view and each chart's numbers as .xlsx."""

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from anxuan.campaigns import selectors as campaign_selectors
from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.views import XLSX
from anxuan.dashboards.charts import chart_xlsx
from anxuan.dashboards.dashboard import Dashboard, build_dashboard
from anxuan.reports import selectors
from anxuan.rollup.views import overseen


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What is due for a liaison (with each report's state) and what came back from the
    office; what needs attention for an office."""
    user = request.user
    is_office = user.has_perm("orgs.office_work")
    office = (
        list(campaign_selectors.office_campaigns(user).filter(ends_on__gte=timezone.localdate()))
        if is_office
        else []
    )
    due = campaign_selectors.due_for_liaison(user)
    found = selectors.submissions_by_period(
        [row["participant"].pk for row in due], [row["period"].pk for row in due]
    )
    for row in due:
        row["submission"] = found.get((row["participant"].pk, row["period"].pk))
    return render(
        request,
        "dashboards/home.html",
        {
            "due": due,
            "adhoc": campaign_selectors.adhoc_for_liaison(user),
            "returned": selectors.returned_for(user),
            "registrations": campaign_selectors.liaison_registrations_for(user),
            "office_campaigns": office,
            "deadlines": campaign_selectors.next_deadlines([c.pk for c in office])
            if office
            else [],
            "is_office": is_office,
            "notices": list(user.notices.filter(read_at__isnull=True)[:10]),
            "to_review": selectors.inbox_for(user, filters={}).count()
            if user.has_perm("reports.review_somewhere")
            else None,
        },
    )


@login_required
@require_POST
def notices_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.user.notices.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("dashboards:home")


def _dashboard(request: AuthenticatedHttpRequest, pk: int) -> Dashboard:
    return build_dashboard(
        overseen(request, pk),
        can_open=lambda child: request.user.has_perm("campaigns.oversee", child),
    )


@login_required
@require_GET
def dashboard_page(
    request: AuthenticatedHttpRequest, pk: int, screen: bool = False
) -> HttpResponse:
    """Charts of the roll-up and the figures, each with its table and .xlsx; `screen` is
    the full-screen display for the command centre (大屏), refreshing itself."""
    dashboard = _dashboard(request, pk)
    return render(
        request,
        "dashboards/screen.html" if screen else "dashboards/dashboard.html",
        {"campaign": dashboard.campaign, "dashboard": dashboard},
    )


@login_required
@require_GET
def dashboard_chart_xlsx(request: AuthenticatedHttpRequest, pk: int, key: str) -> FileResponse:
    """One chart's numbers as .xlsx."""
    dashboard = _dashboard(request, pk)
    chart = dashboard.chart(key)
    if chart is None:
        raise Http404
    out = BytesIO()
    chart_xlsx(chart, out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{dashboard.campaign.title}-{chart.title}.xlsx",
        content_type=XLSX,
    )
