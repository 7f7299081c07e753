from django.urls import path

from anxuan.integrity import views_flags, views_setup

app_name = "integrity"

urlpatterns = [
    # Setting up the checks (views_setup)
    path("campaigns/<int:pk>/integrity/rules/", views_setup.rules_page, name="rules"),
    path("campaigns/<int:pk>/integrity/bounds/", views_setup.bound_add, name="bound_add"),
    path(
        "campaigns/<int:pk>/integrity/bounds/<int:bound>/remove/",
        views_setup.bound_remove,
        name="bound_remove",
    ),
    path("campaigns/<int:pk>/integrity/places/", views_setup.unit_places, name="unit_places"),
    path("campaigns/<int:pk>/integrity/unchecked/", views_setup.unchecked, name="unchecked"),
    path("integrity/materials/", views_setup.materials, name="materials"),
    path(
        "integrity/materials/<int:pk>/remove/",
        views_setup.material_remove,
        name="material_remove",
    ),
    path("integrity/materials/<int:pk>/thumb/", views_setup.material_thumb, name="material_thumb"),
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
