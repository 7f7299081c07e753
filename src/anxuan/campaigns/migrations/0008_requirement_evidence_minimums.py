"""A requirement's attachments become rules: at least N photos, videos and documents,
checked at submit, instead of a list of kinds that only fed a label. Each kind the old list
named becomes "at least 1"; clippings and screenshots arrive as images, so they become at
least one photo. Also the window before a period opens in which reports are accepted."""

from django.db import migrations, models

# The old list's codes → the minimum field each one asks for.
FIELD_OF = {
    "photo": "min_photos",
    "clipping": "min_photos",
    "screenshot": "min_photos",
    "video": "min_videos",
    "document": "min_documents",
}
KIND_OF = {"min_photos": "photo", "min_videos": "video", "min_documents": "document"}


def list_to_minimums(apps, schema_editor):
    Requirement = apps.get_model("campaigns", "Requirement")
    for requirement in Requirement.objects.exclude(evidence=[]).only("pk", "evidence"):
        fields = {FIELD_OF[code] for code in requirement.evidence or [] if code in FIELD_OF}
        if fields:
            Requirement.objects.filter(pk=requirement.pk).update(**dict.fromkeys(fields, 1))


def minimums_to_list(apps, schema_editor):
    Requirement = apps.get_model("campaigns", "Requirement")
    for requirement in Requirement.objects.all():
        kinds = [kind for field, kind in KIND_OF.items() if getattr(requirement, field)]
        if kinds:
            Requirement.objects.filter(pk=requirement.pk).update(evidence=kinds)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_indicator_name_and_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="requirement",
            name="min_photos",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="at least this many photos"
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="min_videos",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="at least this many audio or video files"
            ),
        ),
        migrations.AddField(
            model_name="requirement",
            name="min_documents",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="at least this many documents"
            ),
        ),
        migrations.RunPython(list_to_minimums, minimums_to_list),
        migrations.RemoveField(
            model_name="requirement",
            name="evidence",
        ),
        migrations.AddField(
            model_name="requirement",
            name="opens_days_early",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="0: a report for a period is accepted from the period's opening; "
                "N: from N days before it.",
                verbose_name="accept reports days before a period opens",
            ),
        ),
    ]
