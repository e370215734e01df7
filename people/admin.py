from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Department, Employee, JobGroup
from .services import department_create, department_update, employee_deactivate


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "external_id"]
    search_fields = ["name", "external_id"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        """Through the people services, which keep the tree's closure rows right."""
        fields = {name: form.cleaned_data[name] for name in ("name", "parent", "external_id")}
        if change:
            department_update(department=obj, **fields)
        else:
            saved = department_create(**fields)
            obj.pk = saved.pk


@admin.register(JobGroup)
class JobGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id"]
    search_fields = ["name", "external_id"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "department", "job_group", "manager", "active"]
    list_filter = ["active", "education_level", "locale", "job_group", "department"]
    search_fields = ["first_name", "last_name", "email", "external_id"]
    autocomplete_fields = ["department", "job_group", "manager", "user"]
    list_select_related = ["department", "job_group", "manager"]
    # Deactivate instead of delete: an employee's learning history stays.
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate selected employees"))
    def deactivate(self, request, queryset):
        for employee in queryset:
            employee_deactivate(employee=employee)

    def has_delete_permission(self, request, obj=None):
        return False
