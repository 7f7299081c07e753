from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "anxuan.exports"
    label = "exports"

    def ready(self) -> None:
        from anxuan.core import actions, sweep
        from anxuan.exports.actions import board_actions, campaign_actions, statistics_actions
        from anxuan.exports.selectors import referenced_export_files

        actions.register("campaign", campaign_actions)
        actions.register("board", board_actions)
        actions.register("statistics", statistics_actions)
        sweep.register("exports/", referenced_export_files)
