from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_base import AdministratorsOnly, ReadOnlyAdmin, ServiceAdmin
from .models import Department, Employee, JobGroup, RightsGrant


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    list_display = ["name", "parent", "external_id"]
    list_select_related = ["parent"]  # nullable: the admin's plain select_related() would not follow it
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


class RightsUserAdmin(UserAdmin):
    """Django's account admin (administrators only: people.access.ADMINISTRATORS_ONLY), but the
    rights (staff, superuser, groups, permissions) are saved through `user_rights_set`, which
    records every grant; the other fields as Django saves them."""

    RIGHTS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def save_model(self, request, obj, form, change):
        # The form has set the flags on the object already: keep the stored ones for the service.
        stored = type(obj).objects.filter(pk=obj.pk).values("is_staff", "is_superuser").first() if change else None
        obj.is_staff, obj.is_superuser = (stored["is_staff"], stored["is_superuser"]) if stored else (False, False)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        if any(name in form.fields for name in self.RIGHTS):
            data = form.cleaned_data

            def wanted(name, current):
                return data[name] if name in form.fields else current

            services.user_rights_set(
                user=user,
                by=request.user,
                is_staff=wanted("is_staff", user.is_staff),
                is_superuser=wanted("is_superuser", user.is_superuser),
                groups=wanted("groups", user.groups.all()),
                permissions=wanted("user_permissions", user.user_permissions.all()),
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class RightsGrantAdmin(ReadOnlyAdmin):
    """Who gave or took which right, when: read only (written by user_rights_set alone)."""

    list_display = ["at", "user", "right", "name", "granted", "by"]
    list_filter = ["right", "granted"]
    search_fields = ["user__username", "name", "by__username"]


admin.site.unregister(User)
admin.site.register(User, RightsUserAdmin)
admin.site.register(RightsGrant, type("AdministratorsOnlyRightsGrantAdmin", (AdministratorsOnly, RightsGrantAdmin), {}))
