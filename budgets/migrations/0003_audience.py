"""Budget policies move onto the shared audience (people.audience). The department and job group
pair becomes audience_department and audience_job_group, and the kind follows from which of the two
was set: neither, everyone; a department, its subtree; a job group, that job group; both, that job
group within the department's subtree. Every policy keeps its meaning and its rank."""

from django.db import migrations, models
import django.db.models.deletion


def forwards(apps, schema_editor):
    BudgetPolicy = apps.get_model("budgets", "BudgetPolicy")
    kinds = {
        (True, True): "department_job_group",
        (True, False): "department",
        (False, True): "job_group",
        (False, False): "everyone",
    }
    for (has_department, has_job_group), kind in kinds.items():
        BudgetPolicy.objects.filter(
            audience_department__isnull=not has_department, audience_job_group__isnull=not has_job_group
        ).update(audience_kind=kind)


def backwards(apps, schema_editor):
    pass  # the pair of columns alone says it all again


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_department_closure"),
        ("budgets", "0002_budget_basis_hired_on"),
    ]

    operations = [
        migrations.RenameField(model_name="budgetpolicy", old_name="department", new_name="audience_department"),
        migrations.RenameField(model_name="budgetpolicy", old_name="job_group", new_name="audience_job_group"),
        migrations.AddField(
            model_name='budgetpolicy',
            name='audience_kind',
            field=models.CharField(choices=[('everyone', 'Everyone'), ('department', 'A department and its sub-departments'), ('job_group', 'A job group'), ('department_job_group', 'A job group within a department'), ('managers', 'Managers only'), ('team', "A manager's whole team")], default='everyone', max_length=24, verbose_name='audience'),
        ),
        migrations.AddField(
            model_name='budgetpolicy',
            name='audience_manager',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.employee', verbose_name='manager'),
        ),
        migrations.AlterField(
            model_name='budgetpolicy',
            name='audience_department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.department', verbose_name='department (and its sub-departments)'),
        ),
        migrations.AlterField(
            model_name='budgetpolicy',
            name='audience_job_group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.jobgroup', verbose_name='job group'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name='budgetpolicy',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'everyone'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', True), ('audience_kind', 'department'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', False), ('audience_kind', 'job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', False), ('audience_kind', 'department_job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'managers'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'team'), ('audience_manager__isnull', False)), _connector='OR'), name='budgets_budgetpolicy_audience', violation_error_message='Choose the department, job group or manager that the audience needs, and only that.'),
        ),
    ]
