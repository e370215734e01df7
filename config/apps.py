from django.contrib.admin.apps import AdminConfig


class LeerborgAdminConfig(AdminConfig):
    default_site = "config.admin.LeerborgAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin

        from people.access import ADMINISTRATORS_ONLY
        from people.admin_base import administrators_only

        administrators_only(admin.site, ADMINISTRATORS_ONLY)
