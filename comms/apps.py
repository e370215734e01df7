from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communication")

    def ready(self):
        from people.registry import registry

        from . import rules, services  # noqa: F401 - rules registers the capabilities

        registry.provide("notify", services.notify)
