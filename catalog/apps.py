from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from . import handlers, rules  # noqa: F401 - registers capabilities and signal receivers
        from .extensions import register

        register()
        from .privacy import register as register_personal_data

        register_personal_data()
