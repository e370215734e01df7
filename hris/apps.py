from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrisConfig(AppConfig):
    name = "hris"
    verbose_name = _("HRIS integration")
