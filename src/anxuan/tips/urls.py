from django.urls import path

from anxuan.tips import views

app_name = "tips"

urlpatterns = [
    path("tips/new/", views.file_tip, name="file_tip"),
    path("tips/follow/", views.follow_tip, name="follow_tip"),
    path("tips/captcha.png", views.captcha_image, name="captcha"),
    path("tips/", views.inbox, name="inbox"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
]
