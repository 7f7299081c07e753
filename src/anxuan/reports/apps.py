from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anxuan.reports"
    label = "reports"

    def ready(self) -> None:
        from anxuan.campaigns.signals import expectations_changed
        from anxuan.core import actions
        from anxuan.reports import tally
        from anxuan.reports.actions import participant_actions

        expectations_changed.connect(tally.on_expectations_changed, dispatch_uid="tally")
        actions.register("participant", participant_actions)
