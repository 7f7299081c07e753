"""An ad-hoc item (a submission without a period) has no due time, so it is neither on time
nor late: its timeliness is cleared and the constraint says so. An activity's type may be
empty, for campaigns that define no activity types."""

from django.db import migrations, models


def clear_adhoc_timeliness(apps, schema_editor):
    Submission = apps.get_model("reports", "Submission")
    Submission.objects.filter(period__isnull=True).exclude(timeliness="").update(timeliness="")


def judge_adhoc_on_time(apps, schema_editor):
    Submission = apps.get_model("reports", "Submission")
    Submission.objects.filter(period__isnull=True, first_submitted_at__isnull=False).update(
        timeliness="on_time"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_periodtally_accepted"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="submission",
            name="submission_timeliness_when_submitted",
        ),
        migrations.RunPython(clear_adhoc_timeliness, judge_adhoc_on_time),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.CheckConstraint(
                condition=models.Q(first_submitted_at__isnull=True)
                | (models.Q(period__isnull=True) & models.Q(timeliness=""))
                | (models.Q(period__isnull=False) & ~models.Q(timeliness="")),
                name="submission_timeliness_of_periods",
            ),
        ),
        migrations.AlterField(
            model_name="activityrecord",
            name="activity_type",
            field=models.CharField(blank=True, max_length=40, verbose_name="activity type"),
        ),
    ]
