from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "anxuan.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from anxuan.core import actions
        from anxuan.dashboards.actions import campaign_actions

        actions.register("campaign", campaign_actions)
