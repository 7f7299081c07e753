from django.urls import path

from anxuan.api import views

app_name = "api"
urlpatterns = [
    path("accounts/tokens/", views.token_list, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
