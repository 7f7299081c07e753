"""Tallies count accepted reports too. Existing tallies get theirs here, from the
submissions, with the historical models: the same rule as reports.tally (the unit reports
itself, had joined by the due day in Asia/Shanghai), written again because a migration must
not call the application's code."""

from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.db.models import Count, DateField, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate


def count_accepted(apps, schema_editor):
    PeriodTally = apps.get_model("reports", "PeriodTally")
    Submission = apps.get_model("reports", "Submission")
    Campaign = apps.get_model("campaigns", "Campaign")
    runs_its_own = Campaign.objects.filter(
        parent=OuterRef("participant__campaign"),
        owner=OuterRef("participant__organization"),
        archived=False,
    )
    due_day = TruncDate(
        "period__due_at", tzinfo=ZoneInfo("Asia/Shanghai"), output_field=DateField()
    )
    accepted = (
        Submission.objects.filter(period=OuterRef("period"), state="accepted")
        .filter(~Exists(runs_its_own), participant__joined_on__lte=due_day)
        .order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")
    )
    PeriodTally.objects.update(accepted=Coalesce(Subquery(accepted), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_notice_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="periodtally",
            name="accepted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_accepted, migrations.RunPython.noop),
    ]
