"""What adoption adds to the shared ground: navigation, the L&D home panel, its demo step, and the
ports it reads (the delivery service; the ambassadors, optional until engagement provides them)."""

from django.utils.translation import gettext_lazy as _

from people.registry import AMBASSADOR_IDS, NOTIFY, HomePanel, NavItem, registry


def _demo():
    from .demo import demo_step

    demo_step()


def register():
    from people.origin import created_from

    from . import panels
    from .services import created_from_programme

    created_from.connect(created_from_programme, dispatch_uid="adoption.created_from_programme")

    registry.need(NOTIFY, app="adoption")
    registry.need(AMBASSADOR_IDS, app="adoption", optional=True)
    registry.add_nav(NavItem(_("Programmes"), "adoption:list", "adoption.home", order=40, group="manage"))
    registry.add_nav(NavItem(_("What I sponsor"), "adoption:sponsor", "adoption.sponsor", order=46, group="team"))
    registry.add_panel(HomePanel("ld", "adoption/panels/ld.html", panels.ld_panel, order=1))
    registry.add_demo_step(95, _demo)  # after goals (90)
