"""Template helpers of the decision table (catalog/partials/decision_table.html)."""

from django import template
from django.urls import reverse
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


# An id no enrolment has: its links are reversed once per table, and each row puts in its own id.
_SLOT = 2_147_483_647
DECISION_LINKS = ("enrolment_approve", "enrolment_reject")  # the row's form; its href stays {% url %}


@register.simple_tag
def decision_links() -> dict:
    """The links of a decision row's form for `for_enrolment` to fill in: URL reversing was a third
    of a table's rendering when each row did it three times (docs/performance.md). The name's link
    stays a {% url %}: every href from a variable passes the safe-link rule (test_safe_links)."""
    return {name: reverse(f"catalog:{name}", args=[_SLOT]) for name in DECISION_LINKS}


@register.filter
def for_enrolment(link: str, pk) -> str:
    """One of decision_links' links for the enrolment `pk`."""
    return link.replace(str(_SLOT), str(int(pk)))
