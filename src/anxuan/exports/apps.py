from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "anxuan.exports"
    label = "exports"

    def ready(self) -> None:
        from anxuan.core import actions
        from anxuan.exports.actions import board_actions, campaign_actions, statistics_actions

        actions.register("campaign", campaign_actions)
        actions.register("board", board_actions)
        actions.register("statistics", statistics_actions)
