from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communication")

    def ready(self):
        from people.registry import (
            BUDGET_SUMMARY,
            EMPLOYEES_FOR_ITEM,
            ENROLMENTS_SINCE,
            NEXT_LEARNING_MOMENT,
            NOTIFY,
            PUBLISHED_STORIES,
            HomePanel,
            NavItem,
            registry,
        )

        from . import rules, services, triggers  # noqa: F401 - capabilities and event receivers
        from .demo import demo_step

        for port in (BUDGET_SUMMARY, NEXT_LEARNING_MOMENT, ENROLMENTS_SINCE, EMPLOYEES_FOR_ITEM):
            registry.need(port, app="comms")
        # `{{ story:12 }}` quotes a published story when engagement is installed; nothing otherwise.
        registry.need(PUBLISHED_STORIES, app="comms", optional=True)
        registry.add_nav(
            NavItem(
                label=_("Communication"), url_name="comms:plans", capability="comms.manage", order=70, group="manage"
            )
        )
        registry.add_panel(
            HomePanel(role="ld", template="comms/partials/home_ld.html", context=_ld_panel_context, order=60)
        )
        registry.add_demo_step(60, demo_step)
        registry.provide(NOTIFY, services.notify)
        from .privacy import register as register_personal_data

        register_personal_data()


def _ld_panel_context(request, roles):
    """Plans missing a W and failed deliveries, for the L&D home (two queries)."""
    from .selectors import ld_attention

    return ld_attention()
