from django.urls import path

from anxuan.rollup import views

app_name = "rollup"
urlpatterns = [
    path("campaigns/<int:pk>/board/", views.completeness_board, name="completeness_board"),
    path("campaigns/<int:pk>/statistics/", views.statistics_page, name="statistics_table"),
    path("campaigns/<int:pk>/upward/", views.upward_page, name="report_upward"),
    path("campaigns/<int:pk>/rollup/", views.rollup_page, name="rollup"),
]
