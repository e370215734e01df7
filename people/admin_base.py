"""Admin classes that write only through the apps' services, and admin classes that only show.

The Django admin would otherwise save a model form straight to the database, skipping what the
services do besides (signals such as `employees_changed`, locks, domain events, cache versions).
A `ServiceAdmin` turns each add, change and delete into one service call; a rule the service
refuses is shown as an error message and nothing is written.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from . import formatting
from .audience import PARTS, Audience, AudienceModel

_REFUSED = "_leerborg_service_refused"


class ServiceAdmin(admin.ModelAdmin):
    """Subclasses name their services: `service_module` and `writes = {"create":
    "department_create", "update": "department_update", "delete": "department_delete"}`, with
    `write_as` the keyword the update and delete services take the object by
    (`department_update(department=obj, **fields)`); without "delete" the admin cannot delete. Or
    they override `service_create(request, fields)`, `service_update(request, obj, fields)` and
    `service_delete(request, obj)`."""

    service_module = None
    writes: dict = {}
    write_as = ""

    def _service(self, what: str):
        return getattr(self.service_module, self.writes[what])

    def service_create(self, request, fields: dict):
        return self._service("create")(**fields)

    def service_update(self, request, obj, fields: dict):
        return self._service("update")(**{self.write_as: obj}, **fields)

    def service_delete(self, request, obj):
        self._service("delete")(**{self.write_as: obj})

    def can_delete(self) -> bool:
        return "delete" in self.writes or type(self).service_delete is not ServiceAdmin.service_delete

    def service_fields(self, form) -> dict:
        """The form's values by model field name (what the services take); an audience's fields as
        the one `audience` the services take."""
        names = {f.name for f in self.model._meta.get_fields()}
        fields = {name: value for name, value in form.cleaned_data.items() if name in names}
        if issubclass(self.model, AudienceModel) and "audience_kind" in fields:
            parts = {part: fields.pop(f"audience_{part}", None) for part in PARTS}
            fields["audience"] = Audience.of(fields.pop("audience_kind"), **parts)
        return fields

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form)
        try:
            with transaction.atomic():
                if change:
                    # The stored row, not the form's copy: the service compares old and new values.
                    saved = self.service_update(request, self.model._default_manager.get(pk=obj.pk), fields)
                else:
                    saved = self.service_create(request, fields)
        except ValidationError as exc:
            setattr(request, _REFUSED, exc)
            return
        for field in self.model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def save_related(self, request, form, formsets, change):
        """Relations are the services' business (the save above already set them)."""
        if not hasattr(request, _REFUSED):
            for formset in formsets:
                self.save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.can_delete() and super().has_delete_permission(request, obj)

    def _refused(self, request):
        exc = getattr(request, _REFUSED)
        self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if hasattr(request, _REFUSED):
            return self._refused(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if hasattr(request, _REFUSED):
            return self._refused(request)
        return super().response_change(request, obj)

    def log_addition(self, request, obj, message):
        if not hasattr(request, _REFUSED):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not hasattr(request, _REFUSED):
            return super().log_change(request, obj, message)


def admin_fields(names) -> list[str]:
    """A service's field list as the admin's form shows it: `audience` as the model's four fields."""
    audience = ["audience_kind", *(f"audience_{part}" for part in PARTS)]
    return [field for name in names for field in (audience if name == "audience" else [name])]


def money_field(name: str, label):
    """An admin column or read-only field that shows a money field through people.formatting
    (`€ 1.000,00`), where the admin itself would print `1000.00`."""

    @admin.display(description=label, ordering=name)
    def show(_admin, obj):
        return formatting.money(getattr(obj, name))

    return show


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; every change goes through the app's pages and services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AdministratorsOnly:
    """An admin mixin: the model is hidden and refused to anyone but a superuser."""

    def _administrator(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._administrator(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._administrator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._administrator(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._administrator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._administrator(request) and super().has_delete_permission(request, obj)


def administrators_only(site, app_labels):
    """Re-register every model of `app_labels` on `site` with its admin made administrators-only."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in app_labels:
            name = f"AdministratorsOnly{type(model_admin).__name__}"
            restricted = type(name, (AdministratorsOnly, type(model_admin)), {})
            site.unregister(model)
            site.register(model, restricted)
