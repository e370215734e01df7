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

    def service_create(self, request, fields):
        return services.department_create(**fields)

    def service_update(self, request, obj, fields):
        return services.department_update(department=obj, **fields)

    def service_delete(self, request, obj):
        services.department_delete(department=obj)


@admin.register(JobGroup)
class JobGroupAdmin(ServiceAdmin):
    list_display = ["name", "external_id"]
    search_fields = ["name", "external_id"]

    def service_create(self, request, fields):
        return services.job_group_create(**fields)

    def service_update(self, request, obj, fields):
        return services.job_group_update(job_group=obj, **fields)

    def service_delete(self, request, obj):
        services.job_group_delete(job_group=obj)


@admin.register(Employee)
class EmployeeAdmin(ServiceAdmin):
    list_display = ["last_name", "first_name", "email", "department", "job_group", "manager", "active"]
    list_filter = ["active", "education_level", "locale", "job_group", "department"]
    search_fields = ["first_name", "last_name", "email", "external_id"]
    autocomplete_fields = ["department", "job_group", "manager", "user"]
    list_select_related = ["department", "job_group", "manager"]
    # Deactivate instead of delete: an employee's learning history stays.
    actions = ["deactivate"]

    def service_create(self, request, fields):
        return services.employee_create(**fields)

    def service_update(self, request, obj, fields):
        return services.employee_update(employee=obj, **fields)

    @admin.action(description=_("Deactivate selected employees"))
    def deactivate(self, request, queryset):
        for employee in queryset:
            services.employee_deactivate(employee=employee)
