from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrisConfig(AppConfig):
    name = "hris"
    verbose_name = _("HRIS integration")

    def ready(self):
        from people.registry import NavItem, registry

        from . import rules, schema  # noqa: F401
        from .demo import seed_api_client
        from .scale import grow_organisation

        registry.add_nav(NavItem(_("HRIS import"), "hris:csv_upload", "hris.import", order=60, group="manage"))
        registry.add_nav(NavItem(_("API clients"), "hris:clients", "hris.clients", order=61, group="manage"))
        registry.add_demo_step(30, seed_api_client)
        registry.add_scale_step(10, grow_organisation)
        from .privacy import register as register_personal_data

        register_personal_data()
