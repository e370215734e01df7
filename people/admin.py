from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_base import ServiceAdmin
from .models import Department, Employee, JobGroup


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    list_display = ["name", "parent", "external_id"]
    search_fields = ["name", "external_id"]
    autocomplete_fields = ["parent"]
    service_module = services
    writes = {
        "create": "department_create",
        "update": "department_update",
        "delete": "department_delete",
    }
    write_as = "department"


@admin.register(JobGroup)
class JobGroupAdmin(ServiceAdmin):
    list_display = ["name", "external_id"]
    search_fields = ["name", "external_id"]
    service_module = services
    writes = {
        "create": "job_group_create",
        "update": "job_group_update",
        "delete": "job_group_delete",
    }
    write_as = "job_group"


@admin.register(Employee)
class EmployeeAdmin(ServiceAdmin):
    list_display = ["last_name", "first_name", "email", "department", "job_group", "manager", "active"]
    list_filter = ["active", "education_level", "locale", "job_group", "department"]
    search_fields = ["first_name", "last_name", "email", "external_id"]
    autocomplete_fields = ["department", "job_group", "manager", "user"]
    list_select_related = ["department", "job_group", "manager"]
    # Deactivate instead of delete: an employee's learning history stays.
    actions = ["deactivate"]
    service_module = services
    writes = {"create": "employee_create", "update": "employee_update"}
    write_as = "employee"

    @admin.action(description=_("Deactivate selected employees"))
    def deactivate(self, request, queryset):
        for employee in queryset:
            services.employee_deactivate(employee=employee)
