"""What the surveys app registers: the ports it needs and provides, navigation, panels, demo data."""

from django.utils.translation import gettext_lazy as _

from people.registry import (
    BARRIER_SCAN_RESULTS,
    ITEM_RATINGS,
    LEARNING_NEEDS_ASKED,
    LEARNING_PREFERENCES_SET,
    NOTIFY,
    SURVEY_MEASURE,
    NavItem,
    registry,
)


def _demo():
    from .demo import demo_step

    demo_step()


def register():
    from .ports import barrier_scan_results, item_ratings, learning_needs_asked, survey_measure

    registry.need(NOTIFY, app="surveys")
    registry.need(LEARNING_PREFERENCES_SET, app="surveys")
    registry.provide(BARRIER_SCAN_RESULTS, barrier_scan_results)
    # Monitoring's perception gap and awareness (from the same barrier scan) and evaluation score
    # (from the evaluations, like the catalog's ratings).
    registry.provide(SURVEY_MEASURE, survey_measure)
    # The catalog's one source of ratings: the evaluations' "I was satisfied".
    registry.provide(ITEM_RATINGS, item_ratings)
    # The catalog's "asked for vs offered", beside its diversity gaps.
    registry.provide(LEARNING_NEEDS_ASKED, learning_needs_asked)
    registry.add_demo_step(70, _demo)
    registry.add_nav(NavItem(_("Surveys"), "surveys:mine", "surveys.answer", order=40))
    registry.add_nav(NavItem(_("Surveys"), "surveys:manage", "surveys.manage", order=75, group="manage"))
