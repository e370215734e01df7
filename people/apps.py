from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from django.core import checks

        from . import checks as port_checks  # noqa: F401 - registers the ports check
        from . import receivers  # noqa: F401 - accounts follow the employee's active flag
        from .audience import check_audience_models

        checks.register(check_audience_models, checks.Tags.models)

        from .registry import PROFILE_BADGES, NavItem, registry

        registry.add_nav(NavItem(_("Audit log"), "people:audit_log", "audit.view", order=70, group="manage"))

        # The profile shows recognition when engagement is installed, and nothing otherwise.
        registry.need(PROFILE_BADGES, app="people", optional=True)
