from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anxuan.core"
    label = "core"
