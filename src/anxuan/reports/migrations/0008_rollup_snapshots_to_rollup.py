"""RollupSnapshot now belongs to the rollup app (rollup 0001), on the same table: reports
only forgets it, and the table is left alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_rollup_snapshots"),
        ("rollup", "0001_rollup_snapshots_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RollupSnapshot")],
            database_operations=[],
        ),
    ]
