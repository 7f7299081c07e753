from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "anxuan.assessment"
    label = "assessment"

    def ready(self) -> None:
        from anxuan.assessment import measures

        measures.connect()
