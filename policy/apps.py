from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Learning policy")

    def ready(self):
        from people.registry import NEXT_LEARNING_MOMENT, HomePanel, NavItem, registry

        from . import demo, panels, rules  # noqa: F401 - registers the capabilities

        registry.add_nav(NavItem(_("Learning moments"), "policy:my_moments", "policy.view_own", order=40))
        registry.add_nav(NavItem(_("Team hours"), "policy:team_hours", "policy.team_hours", order=42, group="team"))
        registry.add_nav(NavItem(_("Moments and policy"), "policy:manage", "policy.manage", order=41, group="manage"))
        registry.add_panel(HomePanel("employee", "policy/partials/home_next_moment.html", panels.next_moment, order=20))
        registry.add_panel(HomePanel("manager", "policy/partials/home_team_hours.html", panels.team_hours, order=30))
        registry.provide(NEXT_LEARNING_MOMENT, panels.next_learning_moment_text)
        registry.add_demo_step(40, demo.seed_moments)
