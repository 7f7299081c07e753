from django.urls import path

from anxuan.assessment import views

app_name = "assessment"

urlpatterns = [
    path("campaigns/<int:pk>/assessment/", views.rubric, name="rubric"),
    path("campaigns/<int:pk>/assessment/create/", views.rubric_create, name="rubric_create"),
    path("campaigns/<int:pk>/assessment/xlsx/", views.rubric_download, name="rubric_download"),
    path("campaigns/<int:pk>/assessment/upload/", views.rubric_upload, name="rubric_upload"),
    path("campaigns/<int:pk>/assessment/sections/", views.section_add, name="section_add"),
    path("campaigns/<int:pk>/assessment/items/new/", views.item_add, name="item_add"),
    path("campaigns/<int:pk>/assessment/items/<int:item>/", views.item_edit, name="item_edit"),
    path(
        "campaigns/<int:pk>/assessment/items/<int:item>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path("campaigns/<int:pk>/assessment/scores/", views.scores, name="scores"),
    path("campaigns/<int:pk>/assessment/state/", views.rubric_state, name="rubric_state"),
    path("campaigns/<int:pk>/assessment/ranking/", views.ranking_page, name="ranking"),
    path("campaigns/<int:pk>/assessment/publish/", views.rubric_publish, name="rubric_publish"),
    path(
        "campaigns/<int:pk>/assessment/units/<int:participant>/result/",
        views.result,
        name="result",
    ),
    path(
        "campaigns/<int:pk>/assessment/objections/<int:objection>/answer/",
        views.objection_answer,
        name="objection_answer",
    ),
    path(
        "campaigns/<int:pk>/assessment/units/<int:participant>/items/<int:item>/amend/",
        views.amend,
        name="amend",
    ),
    path("campaigns/<int:pk>/assessment/groups/", views.group_add, name="group_add"),
    path("campaigns/<int:pk>/assessment/assessing/", views.assessing, name="assessing"),
    path("campaigns/<int:pk>/assessment/assessors/", views.assessor_add, name="assessor_add"),
    path(
        "campaigns/<int:pk>/assessment/assessors/<int:assessor>/remove/",
        views.assessor_remove,
        name="assessor_remove",
    ),
    path("campaigns/<int:pk>/assessment/awards/", views.award_add, name="award_add"),
    path(
        "campaigns/<int:pk>/assessment/awards/<int:award>/confirm/",
        views.award_confirm,
        name="award_confirm",
    ),
    path(
        "campaigns/<int:pk>/assessment/units/<int:participant>/self/",
        views.self_score,
        name="self_score",
    ),
    path(
        "campaigns/<int:pk>/assessment/units/<int:participant>/visits/",
        views.visits,
        name="visits",
    ),
    path("assessment/visit-photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path(
        "campaigns/<int:pk>/assessment/units/<int:participant>/assess/",
        views.assess,
        name="assess",
    ),
]
