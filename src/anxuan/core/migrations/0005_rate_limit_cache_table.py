"""The database cache's table, where rate limits count (decision 0018): made by `migrate`
so that a fresh install needs no `createcachetable` step. Nothing is made when the cache is
Redis; the table is made again if it is missing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_address_hash")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
