"""Template helpers of the decision table (catalog/partials/decision_table.html)."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def decision_labels() -> dict:
    """The decision table's words: its column headings, which each cell repeats as its label on a
    phone (`data-label`), and the form's. Looked up once per table instead of once per row: a page of
    fifty requests repeated them 450 times (docs/performance.md)."""
    return {
        "employee": gettext("Employee"),
        "training": gettext("Training"),
        "cost": gettext("Cost"),
        "available": gettext("Budget available"),
        "motivation": gettext("Motivation"),
        "decision": gettext("Decision"),
        "comment": gettext("Comment"),
        "approve": gettext("Approve"),
        "reject": gettext("Reject"),
    }
