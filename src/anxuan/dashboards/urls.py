from django.urls import path

from anxuan.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/read/", views.notices_read, name="notices_read"),
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
]
