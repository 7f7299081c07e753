"""RollupSnapshot moves from reports to rollup: its table stays as it is (db_table), so
this only records the model in rollup's state; reports 0008 removes it from reports'."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("campaigns", "0006_campaign_lineage"),
        ("reports", "0007_rollup_snapshots"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RollupSnapshot",
                    fields=[
                        (
                            "campaign",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="campaigns.campaign",
                            ),
                        ),
                        ("as_of", models.DateTimeField()),
                        ("data", models.JSONField()),
                    ],
                    options={"db_table": "reports_rollupsnapshot"},
                ),
            ],
            database_operations=[],
        ),
    ]
