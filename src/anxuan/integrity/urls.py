from django.urls import path

from anxuan.integrity import views_setup

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
]
