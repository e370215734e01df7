"""What monitoring adds to the shared ground: its capabilities, navigation, home panels, demo step
and its (optional) use of the surveys' port."""

from django.utils.translation import gettext_lazy as _

from people.registry import KEPT_TEAM_SUMS, SURVEY_MEASURE, HomePanel, NavItem, registry


def _demo():
    from .demo import demo_step

    demo_step()


def register():
    from . import panels, rules  # noqa: F401 - registers the capabilities
    from .selectors import kept_team_sums

    registry.provide(KEPT_TEAM_SUMS, kept_team_sums)

    registry.add_nav(NavItem(_("Team uptake"), "monitoring:team", "monitoring.team", order=26, group="team"))
    registry.add_nav(NavItem(_("Monitoring"), "monitoring:dashboard", "monitoring.view", order=26, group="manage"))
    registry.add_panel(HomePanel("ld", "monitoring/panels/ld.html", panels.ld_panel, order=5))
    # After the decisions waiting (catalog, 10): each person's learning, then the team's uptake.
    registry.add_panel(HomePanel("manager", "monitoring/panels/manager.html", panels.manager_panel, order=15))
    registry.add_panel(HomePanel("employee", "monitoring/panels/employee.html", panels.employee_panel, order=14))
    # Survey figures (perception gap, awareness) show "no survey yet" until the surveys app
    # provides the port, so monitoring needs it optionally.
    registry.need(SURVEY_MEASURE, app="monitoring", optional=True)
    registry.add_demo_step(80, _demo)  # after every app's own demo data: a year of history, snapshots
