from django.urls import path

from anxuan.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/inbox/", views.inbox, name="report_inbox"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("campaigns/<int:pk>/board/", views.completeness_board, name="completeness_board"),
    path("campaigns/<int:pk>/statistics/", views.statistics_page, name="statistics_table"),
    path("campaigns/<int:pk>/upward/", views.upward_page, name="report_upward"),
    path("campaigns/<int:pk>/rollup/", views.rollup_page, name="rollup"),
    path("campaigns/<int:pk>/dashboard/", views.dashboard_page, name="dashboard"),
    path(
        "campaigns/<int:pk>/dashboard/screen/",
        views.dashboard_page,
        {"screen": True},
        name="dashboard_screen",
    ),
    path(
        "campaigns/<int:pk>/dashboard/<slug:key>.xlsx",
        views.dashboard_chart_xlsx,
        name="dashboard_chart_xlsx",
    ),
    path("reports/attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path(
        "reports/attachments/<int:pk>/thumb/",
        views.attachment_file,
        {"thumb": True},
        name="attachment_thumb",
    ),
    path(
        "reports/attachments/<int:pk>/highlight/",
        views.attachment_highlight,
        name="attachment_highlight",
    ),
    path("reports/attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
