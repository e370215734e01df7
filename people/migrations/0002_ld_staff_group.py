"""Creates the L&D staff group that the access module recognises."""

from django.db import migrations

LD_STAFF_GROUP = "L&D staff"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=LD_STAFF_GROUP)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
