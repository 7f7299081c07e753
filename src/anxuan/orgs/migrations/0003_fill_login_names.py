"""Give every existing person their login names. Where old data already has a clash (one
person's username is another's mobile), the earlier person keeps the name, the later gets
no row for it, and the clash is printed; `anxuan check_login_names` lists them later too."""

import sys

from django.db import migrations


def fill(apps, schema_editor):
    Person = apps.get_model("orgs", "Person")
    LoginName = apps.get_model("orgs", "LoginName")
    holder = dict(LoginName.objects.values_list("name", "person_id"))
    rows = []
    for pk, username, mobile in Person.objects.order_by("pk").values_list(
        "pk", "username", "mobile"
    ):
        for name in dict.fromkeys(n for n in (username, mobile) if n):
            if name not in holder:
                holder[name] = pk
                rows.append(LoginName(name=name, person_id=pk))
            elif holder[name] != pk:
                sys.stdout.write(
                    f"  Login name {name!r} of person {pk} is already person "
                    f"{holder[name]}'s: not given to {pk} (anxuan check_login_names)\n"
                )
    LoginName.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0002_person_login_names"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
