"""What the goals app adds to the shared ground: navigation, the home panels (the sponsor's inbox,
"our goals"), its demo step and the delivery service it needs."""

from django.utils.translation import gettext_lazy as _

from people.registry import NOTIFY, HomePanel, NavItem, registry


def _demo():
    from .demo import demo_step

    demo_step()


def register():
    from . import panels

    registry.need(NOTIFY, app="goals")
    registry.add_nav(NavItem(_("Goals"), "goals:list", "goals.view", order=45))
    registry.add_nav(NavItem(_("Sponsors"), "goals:sponsors", "goals.sponsors", order=76, group="manage"))
    # Right after the decisions waiting (catalog, 10): what waits for the sponsor, then our goals.
    registry.add_panel(HomePanel("employee", "goals/panels/inbox.html", panels.inbox_panel, order=11))
    registry.add_panel(HomePanel("employee", "goals/panels/ours.html", panels.ours_panel, order=13))
    registry.add_demo_step(90, _demo)  # after monitoring's history and snapshots (80)
