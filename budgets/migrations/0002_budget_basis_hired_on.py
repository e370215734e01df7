from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Existing budgets were prorated from their employee's hire date as it is now."""
    Budget = apps.get_model("budgets", "Budget")
    Employee = apps.get_model("people", "Employee")
    Budget.objects.update(basis_hired_on=Subquery(Employee.objects.filter(pk=OuterRef("employee_id")).values("hired_on")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="budget",
            name="basis_hired_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
