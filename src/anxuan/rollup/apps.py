from django.apps import AppConfig


class RollupConfig(AppConfig):
    name = "anxuan.rollup"
    label = "rollup"

    def ready(self) -> None:
        from anxuan.core import actions
        from anxuan.rollup.actions import campaign_actions

        actions.register("campaign", campaign_actions)
