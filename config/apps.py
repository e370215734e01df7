from django.contrib.admin.apps import AdminConfig


class LeerborgAdminConfig(AdminConfig):
    default_site = "config.admin.LeerborgAdminSite"
