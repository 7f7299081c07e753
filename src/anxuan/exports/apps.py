from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "anxuan.exports"
    label = "exports"
