from django.urls import path

from anxuan.orgs import views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.org_tree, name="org_tree"),
    path("orgs/import-template.xlsx", views.import_template, name="org_import_template"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/new/", views.org_create, name="org_create"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:pk>/archive/", views.org_archive, name="org_archive"),
    path("orgs/<int:pk>/import/", views.org_import, name="org_import"),
    path("orgs/<int:pk>/import/confirm/", views.org_import_confirm, name="org_import_confirm"),
    path(
        "orgs/<int:pk>/import/sheets/<slug:token>/",
        views.import_password_sheet,
        name="import_password_sheet",
    ),
    path(
        "orgs/<int:pk>/import/sheets/<slug:token>.xlsx",
        views.import_password_workbook,
        name="import_password_workbook",
    ),
    path(
        "orgs/<int:pk>/import/sheets/<slug:token>/forget/",
        views.import_password_forget,
        name="import_password_forget",
    ),
    path("orgs/<int:pk>/export.xlsx", views.org_export, name="org_export"),
    path("people/", views.people_list, name="people_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/memberships/", views.person_add_membership, name="person_add_membership"),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/remove/",
        views.person_remove_membership,
        name="person_remove_membership",
    ),
    path("people/<int:pk>/password/", views.person_reset_password, name="person_reset_password"),
    path("account/password/", views.password_change, name="password_change"),
]
