from django.urls import path

from anxuan.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/copy/", views.campaign_copy, name="campaign_copy"),
    path("campaigns/<int:pk>/columns/", views.campaign_columns, name="campaign_columns"),
    path("campaigns/<int:pk>/archive/", views.campaign_archive, name="campaign_archive"),
    path("campaigns/<int:pk>/link/", views.campaign_link, name="campaign_link"),
    path("campaigns/<int:pk>/calendar/", views.campaign_calendar, name="campaign_calendar"),
    path("campaigns/<int:pk>/phases/new/", views.phase_edit, name="phase_create"),
    path("campaigns/<int:pk>/phases/<int:phase_pk>/", views.phase_edit, name="phase_edit"),
    path(
        "campaigns/<int:pk>/phases/<int:phase_pk>/delete/", views.phase_delete, name="phase_delete"
    ),
    path("campaigns/<int:pk>/requirements/new/", views.requirement_edit, name="requirement_create"),
    path(
        "campaigns/<int:pk>/requirements/<int:requirement_pk>/",
        views.requirement_edit,
        name="requirement_edit",
    ),
    path(
        "campaigns/<int:pk>/requirements/<int:requirement_pk>/delete/",
        views.requirement_delete,
        name="requirement_delete",
    ),
    path("campaigns/<int:pk>/participants/", views.participants, name="participants"),
    path(
        "campaigns/<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path(
        "campaigns/<int:pk>/participants/<int:participant_pk>/liaison/",
        views.liaison_register,
        name="liaison_register",
    ),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_edit, name="indicator_create"),
    path("indicators/<int:indicator_pk>/", views.indicator_edit, name="indicator_edit"),
]
