"""What the engagement app registers: navigation and the ports it uses."""

from django.utils.translation import gettext_lazy as _

from people.registry import AMBASSADOR_IDS, AMBASSADORS_FOR, NOTIFY, PROFILE_BADGES, NavItem, registry


def _demo():
    from .demo import demo_step

    demo_step()


def register():
    from .ports import ambassador_ids, ambassadors_for, profile_badges

    registry.need(NOTIFY, app="engagement")
    registry.provide(PROFILE_BADGES, profile_badges)
    registry.provide(AMBASSADOR_IDS, ambassador_ids)
    registry.provide(AMBASSADORS_FOR, ambassadors_for)
    registry.add_demo_step(92, _demo)  # after goals (90): the year of catalog and policy history
    registry.add_nav(NavItem(_("My activity"), "engagement:mine", "engagement.view", order=60))
    registry.add_nav(NavItem(_("Recognition"), "engagement:manage", "engagement.manage", order=78, group="manage"))
    registry.add_nav(NavItem(_("Ambassadors"), "engagement:ambassadors", "engagement.manage", order=79, group="manage"))
