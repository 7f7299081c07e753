from typing import Any

from django.db import migrations


def file_in_families(apps: Any, schema_editor: Any) -> None:
    """File every fingerprint again: its buckets now come in a family per set of roles a
    looked-up role may meet (index.FAMILIES), the first family's keys as before."""
    from anxuan.integrity import index

    index.rebuild()


class Migration(migrations.Migration):
    dependencies = [("integrity", "0003_fingerprint_buckets")]

    operations = [migrations.RunPython(file_in_families, migrations.RunPython.noop)]
