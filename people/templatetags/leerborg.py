"""Template helpers shared by every app."""

from django import template
from django.template.loader import render_to_string

from people import formatting
from people.links import safe_link as _safe_link

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel, panel_context):
    """Render a registered home panel with the page's context plus its own."""
    return render_to_string(panel.template, {**context.flatten(), **panel_context}, request=context.get("request"))


@register.filter
def for_role(panels, role):
    return [(panel, ctx) for panel, ctx in panels if panel.role == role]


@register.filter
def safe_link(link):
    """{{ value|safe_link }}: people.links.safe_link, the one rule for every rendered link."""
    return _safe_link(link)


# How figures read (people.formatting): `{{ budget.available|money }}`, `{{ hours|hours }}`, ...
register.filter("money", formatting.money)
register.filter("hours", formatting.hours_figure)
register.filter("percent", formatting.percent)
register.filter("day", formatting.day)
register.filter("moment", formatting.moment)
register.filter("number", formatting.number)
