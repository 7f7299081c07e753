from django.urls import path

from anxuan.exports import views

app_name = "exports"
urlpatterns = [
    path("campaigns/<int:pk>/exports/", views.export_start, name="export_start"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/status", views.export_status, name="export_status"),
    path("exports/<int:pk>/download", views.export_download, name="export_download"),
]
