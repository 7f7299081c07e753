from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anxuan.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from anxuan.core import checks, sweep  # noqa: F401 - checks registers them

        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
        # Evidence files and thumbnails, named by SHA-256 (core.files, core.processing).
        sweep.register("evidence/", sweep.referenced_by_stored_files)
        sweep.register("thumbs/", sweep.referenced_by_stored_files)
