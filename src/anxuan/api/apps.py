from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anxuan.api"
    label = "api"
