from django.contrib.admin.apps import AdminConfig

# Apps whose admin only administrators (superusers) see: the scheduler's periodic tasks are
# technical, English-only and easy to break, so L&D staff do not get them in their admin.
ADMINISTRATORS_ONLY = ("django_celery_beat",)


class LeerborgAdminConfig(AdminConfig):
    default_site = "config.admin.LeerborgAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin

        from config.admin import administrators_only

        administrators_only(admin.site, ADMINISTRATORS_ONLY)
