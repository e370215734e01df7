"""The employee is told when their budget changes (issue 13): an adjustment by L&D staff and a
re-allocation pro rata (hours, department or job group changed, or the policy did). An expiry is
announced before it happens by the reminders (expiry.py).

Through the delivery service, in the employee's language and number format, once per ledger entry
(the message's key): an adjustment inside its own transaction, re-allocations (set-based, possibly
thousands in an HRIS sync) by a task queued through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from people.formatting import day, money
from people.notices import literal

from ..models import EntryKind, LedgerEntry

NOTICE_CHUNK = 500


def _link() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("budgets:mine")


def _send(entry: LedgerEntry, subject: str, body: str) -> int:
    from comms.services import notify

    return notify(
        key=f"budgets.changed:{entry.pk}",
        employee_ids=[entry.budget.employee_id],
        subject=subject[:200],
        body=body,
        link=_link(),
        category="budgets",
    )


def _change(entry: LedgerEntry) -> tuple[str, str]:
    """Subject and body of a change, in the active language."""
    budget = entry.budget
    amount = entry.allocated
    values = {
        "amount": money(abs(amount)),
        "available": money(budget.available),
        "date": day(budget.expires_on),
        "reason": literal(entry.reason),
    }
    if (entry.key or "").startswith("alloc:"):
        subject = _("Your learning budget was re-allocated")
        lead = (
            _("%(amount)s was added to your learning budget, pro rata for the rest of the period.")
            if amount >= 0
            else _("%(amount)s was taken off your learning budget, pro rata for the rest of the period.")
        ) % values
        why = _("This happens when your working hours, department or job group change, or the budget policy does.")
    else:
        subject = _("Your learning budget was adjusted")
        lead = (
            _("L&D staff added %(amount)s to your learning budget.")
            if amount >= 0
            else _("L&D staff took %(amount)s off your learning budget.")
        ) % values
        why = _("Reason: %(reason)s") % values
    now = _("You now have %(available)s available, until %(date)s.") % values
    return subject, "\n\n".join((lead, why, now))


def budget_change_notify(*, entry: LedgerEntry) -> int:
    """Tell the budget's employee about this adjustment or re-allocation entry (once)."""
    employee = entry.budget.employee
    if not employee.active:
        return 0
    with translation.override(employee.locale):
        subject, body = _change(entry)
    return _send(entry, subject, body)


def budget_reallocations_notify(*, keys: list[str]) -> int:
    """The task's service: tell each employee about their re-allocation entries."""
    entries = LedgerEntry.objects.filter(key__in=keys, kind=EntryKind.ALLOCATION).select_related("budget__employee")
    return sum(budget_change_notify(entry=entry) for entry in entries.order_by("pk"))


def reallocations_announce(keys: list[str]) -> None:
    """Queue the notices of these re-allocation entries with the action (through the outbox)."""
    from ops.outbox import outbox_enqueue

    from ..tasks import budget_change_notices_task

    for start in range(0, len(keys), NOTICE_CHUNK):
        outbox_enqueue(budget_change_notices_task.name, keys[start : start + NOTICE_CHUNK])
