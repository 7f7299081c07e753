from django.urls import path

from anxuan.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/inbox/", views.inbox, name="report_inbox"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
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
    path("campaigns/<int:pk>/deliveries/", views.reminder_deliveries, name="reminder_deliveries"),
    path("reports/attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
