"""Plan messages move onto the shared audience (people.audience). audience, department and
job_group become audience_kind, audience_department and audience_job_group. Every message keeps
its meaning: the old rules ignored a department or job group the kind did not use (cleared now),
and a department or job-group message whose department or job group was gone reached nobody and
lacked its "who" (now: an audience not chosen yet, which is the same)."""

from django.db import migrations, models
import django.db.models.deletion


def forwards(apps, schema_editor):
    Message = apps.get_model("comms", "Message")
    Message.objects.filter(audience_kind="department", audience_department__isnull=True).update(audience_kind="")
    Message.objects.filter(audience_kind="job_group", audience_job_group__isnull=True).update(audience_kind="")
    Message.objects.exclude(audience_kind="department").update(audience_department=None)
    Message.objects.exclude(audience_kind="job_group").update(audience_job_group=None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_department_closure"),
        ("comms", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="message", old_name="audience", new_name="audience_kind"),
        migrations.RenameField(model_name="message", old_name="department", new_name="audience_department"),
        migrations.RenameField(model_name="message", old_name="job_group", new_name="audience_job_group"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddField(
            model_name='message',
            name='audience_manager',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.employee', verbose_name='manager'),
        ),
        migrations.AlterField(
            model_name='message',
            name='audience_department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.department', verbose_name='department (and its sub-departments)'),
        ),
        migrations.AlterField(
            model_name='message',
            name='audience_job_group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.jobgroup', verbose_name='job group'),
        ),
        migrations.AlterField(
            model_name='message',
            name='audience_kind',
            field=models.CharField(blank=True, choices=[('everyone', 'Everyone'), ('department', 'A department and its sub-departments'), ('job_group', 'A job group'), ('department_job_group', 'A job group within a department'), ('managers', 'Managers only'), ('team', "A manager's whole team")], default='', max_length=24, verbose_name='audience'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'everyone'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', True), ('audience_kind', 'department'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', False), ('audience_kind', 'job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', False), ('audience_job_group__isnull', False), ('audience_kind', 'department_job_group'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'managers'), ('audience_manager__isnull', True)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', 'team'), ('audience_manager__isnull', False)), models.Q(('audience_department__isnull', True), ('audience_job_group__isnull', True), ('audience_kind', ''), ('audience_manager__isnull', True)), _connector='OR'), name='comms_message_audience', violation_error_message='Choose the department, job group or manager that the audience needs, and only that.'),
        ),
    ]
