"""Notice now belongs to the core app (core 0003), on the same table: reports only forgets
it, and the table is left alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_rollup_snapshots_to_rollup"),
        ("core", "0003_notice_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notice")],
            database_operations=[],
        ),
    ]
