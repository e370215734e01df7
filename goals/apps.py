from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals")

    def ready(self):
        from . import rules  # noqa: F401 - the capabilities
        from .extensions import register

        register()

        from .privacy import register as register_personal_data

        register_personal_data()
