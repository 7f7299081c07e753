from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "anxuan.orgs"
    label = "orgs"
