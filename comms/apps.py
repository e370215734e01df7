from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communication")

    def ready(self):
        from people.registry import NavItem, registry

        from . import rules, services, triggers  # noqa: F401 - capabilities and event receivers

        registry.provide("notify", services.notify)
        from .demo import demo_step

        registry.add_demo_step(60, demo_step)
        registry.add_nav(NavItem(label=_("Communication"), url_name="comms:plans", capability="comms.manage", order=70))
