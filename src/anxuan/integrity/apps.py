from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "anxuan.integrity"
    label = "integrity"

    def ready(self) -> None:
        from anxuan.integrity import hooks

        hooks.connect()
