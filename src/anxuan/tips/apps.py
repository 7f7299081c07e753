from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "anxuan.tips"
    label = "tips"
