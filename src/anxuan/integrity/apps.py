from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "anxuan.integrity"
    label = "integrity"

    def ready(self) -> None:
        from anxuan.core import actions
        from anxuan.integrity import hooks
        from anxuan.integrity.actions import campaign_setup_actions

        hooks.connect()
        actions.register("campaign", campaign_setup_actions)
