from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "anxuan.assessment"
    label = "assessment"

    def ready(self) -> None:
        from anxuan.assessment import measures, rules, services
        from anxuan.assessment.actions import campaign_setup_actions, home_actions, unit_actions
        from anxuan.assessment.copying import copy_rubric
        from anxuan.campaigns.signals import campaign_copied
        from anxuan.core import actions, grants
        from anxuan.reports.models import Submission

        del rules  # registers the permissions
        measures.connect()
        campaign_copied.connect(copy_rubric, dispatch_uid="assessment.copy_rubric")
        actions.register("campaign", campaign_setup_actions)
        actions.register("campaign", unit_actions)
        actions.register("home", home_actions)
        grants.register(Submission._meta.label, services.assessed_reports)
