from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anxuan.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
