from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anxuan.reports"
    label = "reports"
