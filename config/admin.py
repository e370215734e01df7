"""The Django admin, open to L&D staff as decided by the access module (not by `is_staff`)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class LeerborgAdminSite(admin.AdminSite):
    site_header = _("Leerborg administration")
    site_title = _("Leerborg administration")
    index_title = _("Data management")

    def has_permission(self, request):
        from people.access import has_capability

        return request.user.is_active and has_capability(request.user, "admin.access")


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
