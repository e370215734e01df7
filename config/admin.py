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
