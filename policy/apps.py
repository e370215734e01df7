from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Learning policy")

    def ready(self):
        from people.registry import LEARNING_HOURS, NEXT_LEARNING_MOMENT, HomePanel, NavItem, registry

        from . import demo, panels, receivers, rules  # noqa: F401 - capabilities and receivers

        registry.add_nav(NavItem(_("Learning moments"), "policy:my_moments", "policy.view_own", order=40))
        registry.add_nav(NavItem(_("Team hours"), "policy:team_hours", "policy.team_hours", order=42, group="team"))
        registry.add_nav(NavItem(_("Moments and policy"), "policy:manage", "policy.manage", order=41, group="manage"))
        # Right after the budget at the top of an employee's home (issue 13). A manager's home shows
        # each person's hours in monitoring's team table (through hours_overview, as here).
        registry.add_panel(HomePanel("employee", "policy/partials/home_next_moment.html", panels.next_moment, order=11))
        registry.provide(NEXT_LEARNING_MOMENT, panels.next_learning_moment_text)
        # One figure for learning hours on every page (issue 13): the budget page asks through this.
        registry.provide(LEARNING_HOURS, panels.learning_hours_of)
        registry.add_demo_step(40, demo.seed_moments)
        from .privacy import register as register_personal_data

        register_personal_data()
