from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement")

    def ready(self):
        from . import handlers, rules  # noqa: F401 - the event receivers and the capabilities
        from .extensions import register

        register()

        from .privacy import register as register_personal_data

        register_personal_data()
