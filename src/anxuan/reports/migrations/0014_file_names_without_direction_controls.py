"""File names stored before core.files.clean_file_name lose their control and invisible
format characters (U+202E and the like make `clip\u202e4pm.bat` display as "…mp4"). The
rule is written out here: a migration must not change when the app's code does."""

import unicodedata

from django.db import migrations


def _clean(name: str) -> str:
    kept = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    return kept[:200] or "upload"


def clean_stored_names(apps, schema_editor):
    for label, field in (("Attachment", "original_name"), ("ResumableUpload", "filename")):
        model = apps.get_model("reports", label)
        for pk, name in model.objects.values_list("pk", field).iterator(chunk_size=2000):
            if name != _clean(name):
                model.objects.filter(pk=pk).update(**{field: _clean(name)})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_submission_form_token"),
    ]

    operations = [migrations.RunPython(clean_stored_names, migrations.RunPython.noop)]
