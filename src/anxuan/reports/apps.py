from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate

TALLY_TABLES = {"reports_periodtally", "reports_figuretally"}


def count_tallies_of_older_reports(sender, using: str, verbosity: int = 1, **kwargs) -> None:
    """Count the tallies once on a database that had submitted reports before the tallies
    existed (it reaches reports 0006 only now). A migration cannot do it: counting needs the
    tally code, which matches the schema at the newest migration only, so it runs here, after
    `migrate`, and only while no migration is left unapplied. Empty tallies beside submitted
    reports never happen otherwise (every submit counts its period), so a database migrated
    in the past is left alone; the cheap checks come first, as this runs on every migrate
    and on every test flush."""
    from anxuan.reports import tally
    from anxuan.reports.enums import State
    from anxuan.reports.models import PeriodTally, Submission

    connection = connections[using]
    tables = connection.introspection.table_names()
    if using != DEFAULT_DB_ALIAS or not TALLY_TABLES.issubset(tables):
        return
    if PeriodTally.objects.exists() or not Submission.objects.exclude(state=State.DRAFT).exists():
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # a partial migrate; the one that completes the schema counts
    periods = tally.rebuild()
    if verbosity:
        print(f"Counted the roll-up tallies of {periods} periods (reports older than tallies).")


class ReportsConfig(AppConfig):
    name = "anxuan.reports"
    label = "reports"

    def ready(self) -> None:
        from anxuan.campaigns.signals import expectations_changed
        from anxuan.core import actions
        from anxuan.reports import tally
        from anxuan.reports.actions import campaign_actions, participant_actions

        expectations_changed.connect(tally.on_expectations_changed, dispatch_uid="tally")
        post_migrate.connect(count_tallies_of_older_reports, sender=self, dispatch_uid="tally")
        actions.register("participant", participant_actions)
        actions.register("campaign", campaign_actions)
