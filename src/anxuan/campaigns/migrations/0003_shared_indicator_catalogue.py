"""Seed the shared indicator catalogue with the columns of a Safety Month statistics table."""

from django.db import migrations

# Frozen copy: later edits to blueprints.DEFAULT_INDICATORS do not rewrite history.
DEFAULTS = (
    ("宣传展板", "块", "宣传咨询"),
    ("发放宣传资料", "份", "宣传咨询"),
    ("现场咨询群众", "人次", "宣传咨询"),
    ("悬挂横幅标语", "条", "宣传咨询"),
    ("受教育人数", "人次", "宣传咨询"),
    ("开展应急演练", "场", "应急演练"),
    ("演练参与人数", "人次", "应急演练"),
    ("举办培训班", "场", "教育培训"),
    ("培训人数", "人次", "教育培训"),
    ("媒体宣传报道", "条", "新闻宣传"),
    ("排查隐患", "处", "隐患排查"),
    ("整改隐患", "处", "隐患排查"),
)


def seed(apps, schema_editor):
    Indicator = apps.get_model("campaigns", "Indicator")
    for name, unit, category in DEFAULTS:
        Indicator.objects.get_or_create(  # name and unit identify an indicator
            owner=None, name=name, unit=unit, defaults={"category": category}
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
