"""What monitoring adds to the shared ground: its capabilities, navigation, home panels, demo step
and its (optional) use of the surveys' port."""

from people.registry import SURVEY_MEASURE, registry


def register():
    from . import rules  # noqa: F401 - registers the capabilities

    # Survey figures (perception gap, awareness) show "no survey yet" until the surveys app
    # provides the port, so monitoring needs it optionally.
    registry.need(SURVEY_MEASURE, app="monitoring", optional=True)
