"""What the engagement app registers: navigation and the ports it uses."""

from django.utils.translation import gettext_lazy as _

from people.registry import (
    AMBASSADOR_IDS,
    AMBASSADORS_FOR,
    NOTIFY,
    PROFILE_BADGES,
    PUBLISHED_STORIES,
    HomePanel,
    NavItem,
    registry,
)


def _demo():
    from .demo import demo_step

    demo_step()


def _ambassadors_demo():
    from .demo_ambassadors import demo_step

    demo_step()


def _stories_demo():
    from .story_demo import story_demo_step

    story_demo_step()


def register():
    from .panels import ambassadors_panel
    from .ports import ambassador_ids, ambassadors_for, profile_badges
    from .story_panels import colleagues_stories_panel
    from .story_selectors import published_stories

    registry.need(NOTIFY, app="engagement")
    registry.provide(PROFILE_BADGES, profile_badges)
    registry.provide(AMBASSADOR_IDS, ambassador_ids)
    registry.provide(AMBASSADORS_FOR, ambassadors_for)
    registry.provide(PUBLISHED_STORIES, published_stories)
    registry.add_panel(HomePanel("employee", "engagement/stories/panel.html", colleagues_stories_panel, order=40))
    registry.add_panel(HomePanel("employee", "engagement/panels/ambassadors.html", ambassadors_panel, order=15))
    registry.add_demo_step(93, _ambassadors_demo)  # after the year of activity: the data's suggestions
    registry.add_demo_step(92, _demo)  # after goals (90): the year of catalog and policy history
    registry.add_demo_step(94, _stories_demo)  # stories about the trainings people completed
    registry.add_nav(NavItem(_("My activity"), "engagement:mine", "engagement.view", order=60))
    registry.add_nav(NavItem(_("Recognition"), "engagement:manage", "engagement.manage", order=78, group="manage"))
    registry.add_nav(NavItem(_("Ambassadors"), "engagement:ambassadors", "engagement.manage", order=79, group="manage"))
    registry.add_nav(
        NavItem(_("Stories"), "engagement:stories_moderate", "engagement.manage", order=80, group="manage")
    )
