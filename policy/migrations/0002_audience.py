"""Learning-time policies and learning moments move onto the shared audience (people.audience):
scope_kind, department and job_group become audience_kind, audience_department and
audience_job_group with the same values, so every row keeps its meaning."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_department_closure"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="learningmoment", name="moment_scope_consistent"),
        migrations.RemoveConstraint(model_name="learningtimepolicy", name="policy_scope_consistent"),
        migrations.RemoveConstraint(model_name="learningtimepolicy", name="policy_one_for_everyone"),
        migrations.RemoveConstraint(model_name="learningtimepolicy", name="policy_one_per_department"),
        migrations.RemoveConstraint(model_name="learningtimepolicy", name="policy_one_per_job_group"),
        migrations.RenameField(model_name="learningmoment", old_name="scope_kind", new_name="audience_kind"),
        migrations.RenameField(model_name="learningmoment", old_name="department", new_name="audience_department"),
        migrations.RenameField(model_name="learningmoment", old_name="job_group", new_name="audience_job_group"),
        migrations.RenameField(model_name="learningtimepolicy", old_name="scope_kind", new_name="audience_kind"),
        migrations.RenameField(model_name="learningtimepolicy", old_name="department", new_name="audience_department"),
        migrations.RenameField(model_name="learningtimepolicy", old_name="job_group", new_name="audience_job_group"),
        migrations.AlterModelOptions(
            name='learningtimepolicy',
            options={'ordering': ['audience_kind', 'pk'], 'verbose_name': 'learning-time policy', 'verbose_name_plural': 'learning-time policies'},
        ),
        migrations.AddField(
            model_name='learningmoment',
            name='audience_manager',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.employee', verbose_name='manager'),
        ),
        migrations.AddField(
            model_name='learningtimepolicy',
            name='audience_manager',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.employee', verbose_name='manager'),
        ),
        migrations.AlterField(
            model_name='learningmoment',
            name='audience_department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.department', verbose_name='department (and its sub-departments)'),
        ),
        migrations.AlterField(
            model_name='learningmoment',
            name='audience_kind',
            field=models.CharField(choices=[('everyone', 'Everyone'), ('department', 'A department and its sub-departments'), ('job_group', 'A job group'), ('department_job_group', 'A job group within a department'), ('managers', 'Managers only'), ('team', "A manager's whole team")], default='everyone', max_length=24, verbose_name='audience'),
        ),
        migrations.AlterField(
            model_name='learningtimepolicy',
            name='audience_department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.department', verbose_name='department (and its sub-departments)'),
        ),
        migrations.AlterField(
            model_name='learningtimepolicy',
            name='audience_kind',
            field=models.CharField(choices=[('everyone', 'Everyone'), ('department', 'A department and its sub-departments'), ('job_group', 'A job group'), ('department_job_group', 'A job group within a department'), ('managers', 'Managers only'), ('team', "A manager's whole team")], default='everyone', max_length=24, verbose_name='audience'),
        ),
        migrations.AddConstraint(
            model_name='learningmoment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'everyone'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', True), ('audience_kind', 'department'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', False), ('audience_kind', 'job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', False), ('audience_kind', 'department_job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'managers'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'team'), ('audience_manager__isnull', False)), _connector='OR'), name='policy_learningmoment_audience', violation_error_message='Choose the department, job group or manager that the audience needs, and only that.'),
        ),
        migrations.AddConstraint(
            model_name='learningtimepolicy',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'everyone'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', True), ('audience_kind', 'department'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', False), ('audience_kind', 'job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', False), ('audience_kind', 'department_job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'managers'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'team'), ('audience_manager__isnull', False)), _connector='OR'), name='policy_learningtimepolicy_audience', violation_error_message='Choose the department, job group or manager that the audience needs, and only that.'),
        ),
        migrations.AddConstraint(
            model_name='learningtimepolicy',
            constraint=models.UniqueConstraint(condition=models.Q(('audience_kind', 'everyone')), fields=('audience_kind',), name='policy_one_for_everyone', violation_error_message='There is already a policy for everyone.'),
        ),
        migrations.AddConstraint(
            model_name='learningtimepolicy',
            constraint=models.UniqueConstraint(fields=('audience_department',), name='policy_one_per_department', violation_error_message='There is already a policy for this department.'),
        ),
        migrations.AddConstraint(
            model_name='learningtimepolicy',
            constraint=models.UniqueConstraint(fields=('audience_job_group',), name='policy_one_per_job_group', violation_error_message='There is already a policy for this job group.'),
        ),
    ]
