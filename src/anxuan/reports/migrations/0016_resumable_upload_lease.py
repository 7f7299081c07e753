# Resumable uploads keep their bytes in storage instead of a partial file on one node's disk
# (decision 0025). Uploads unfinished at the upgrade start again from byte 0: their partial
# files are not carried over, and a HEAD tells the phone so.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0015_attachment_processing_lease'),
    ]

    operations = [
        migrations.AddField(
            model_name='resumableupload',
            name='writer',
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='resumableupload',
            name='writing_until',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE reports_resumableupload SET \"offset\" = 0 WHERE attachment_id IS NULL",
            migrations.RunSQL.noop,
        ),
    ]
