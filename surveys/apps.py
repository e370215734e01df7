from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from . import handlers, rules  # noqa: F401 - capabilities and event receivers
        from .extensions import register

        register()
        from .privacy import register as register_personal_data

        register_personal_data()
