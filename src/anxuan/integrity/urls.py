from django.urls import path

from anxuan.integrity import views_flags

app_name = "integrity"

urlpatterns = [
    # Flags (疑似形式主义): views_flags
    path("campaigns/<int:pk>/flags/", views_flags.flag_list, name="flag_list"),
    path("integrity/flags/mine/", views_flags.own_flag_list, name="own_flags"),
    path("integrity/flags/<int:pk>/", views_flags.flag_detail, name="flag_detail"),
    path("integrity/flags/<int:pk>/explain/", views_flags.flag_explain, name="flag_explain"),
    path("integrity/flags/<int:pk>/decide/", views_flags.flag_decide, name="flag_decide"),
    path(
        "integrity/flags/<int:pk>/image/<str:side>/",
        views_flags.flag_image,
        name="flag_image",
    ),
    path(
        "integrity/explanations/files/<int:pk>/",
        views_flags.explanation_file,
        name="explanation_file",
    ),
]
