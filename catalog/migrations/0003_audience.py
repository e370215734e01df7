"""Mandatory rules move onto the shared audience (people.audience): scope, department and job_group
become audience_kind, audience_department and audience_job_group with the same values (everyone,
department, job_group), so every rule keeps its meaning. A department or job group a rule names
can no longer be deleted from under it (PROTECT instead of CASCADE)."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_department_closure"),
        ("catalog", "0002_session_cancelled_at"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="mandatoryrule", name="mandatory_scope_matches_target"),
        migrations.RenameField(model_name="mandatoryrule", old_name="scope", new_name="audience_kind"),
        migrations.RenameField(model_name="mandatoryrule", old_name="department", new_name="audience_department"),
        migrations.RenameField(model_name="mandatoryrule", old_name="job_group", new_name="audience_job_group"),
        migrations.AddField(
            model_name="mandatoryrule",
            name="audience_manager",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.employee",
                verbose_name="manager",
            ),
        ),
        migrations.AlterField(
            model_name="mandatoryrule",
            name="audience_department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.department",
                verbose_name="department (and its sub-departments)",
            ),
        ),
        migrations.AlterField(
            model_name="mandatoryrule",
            name="audience_job_group",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.jobgroup",
                verbose_name="job group",
            ),
        ),
        migrations.AlterField(
            model_name="mandatoryrule",
            name="audience_kind",
            field=models.CharField(
                choices=[
                    ("everyone", "Everyone"),
                    ("department", "A department and its sub-departments"),
                    ("job_group", "A job group"),
                    ("department_job_group", "A job group within a department"),
                    ("managers", "Managers only"),
                    ("team", "A manager's whole team"),
                ],
                default="everyone",
                max_length=24,
                verbose_name="audience",
            ),
        ),
        migrations.AddConstraint(
            model_name="mandatoryrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("audience_department__isnull", True),
                        ("audience_job_group__isnull", True),
                        ("audience_kind", "everyone"),
                        ("audience_manager__isnull", True),
                    ),
                    models.Q(
                        ("audience_department__isnull", False),
                        ("audience_job_group__isnull", True),
                        ("audience_kind", "department"),
                        ("audience_manager__isnull", True),
                    ),
                    models.Q(
                        ("audience_department__isnull", True),
                        ("audience_job_group__isnull", False),
                        ("audience_kind", "job_group"),
                        ("audience_manager__isnull", True),
                    ),
                    models.Q(
                        ("audience_department__isnull", False),
                        ("audience_job_group__isnull", False),
                        ("audience_kind", "department_job_group"),
                        ("audience_manager__isnull", True),
                    ),
                    models.Q(
                        ("audience_department__isnull", True),
                        ("audience_job_group__isnull", True),
                        ("audience_kind", "managers"),
                        ("audience_manager__isnull", True),
                    ),
                    models.Q(
                        ("audience_department__isnull", True),
                        ("audience_job_group__isnull", True),
                        ("audience_kind", "team"),
                        ("audience_manager__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="catalog_mandatoryrule_audience",
                violation_error_message="Choose the department, job group or manager that the audience needs, and only that.",
            ),
        ),
    ]
