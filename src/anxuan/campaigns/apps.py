from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "anxuan.campaigns"
    label = "campaigns"
