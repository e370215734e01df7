"""People are told what happened to a request (issue 13): the approver of a new request (the manager,
or L&D staff when it goes to them), and the employee of a decision, an automatic approval and a
refusal for budget (with the amount missing).

Through the delivery service (the comms app's `notify` port) inside the action's transaction: the
deliveries commit with the action or not at all, and their e-mails are queued through the outbox.
One message per event, audience and language (its key), so each person is told once, in their own
language, on the channels they accept."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from people.access import LD_STAFF_GROUP
from people.formatting import money
from people.models import Employee
from people.notices import literal, notify_each_language

from ..models import Enrolment


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _tell(key: str, people: list[tuple[int, str]], compose, link: str) -> int:
    return notify_each_language(key=key, people=people, compose=compose, link=link, category="system")


def _ld_staff(*, besides: int) -> list[tuple[int, str]]:
    return list(
        Employee.objects.filter(active=True, user__isnull=False, user__is_active=True)
        .filter(Q(user__groups__name=LD_STAFF_GROUP) | Q(user__is_superuser=True))
        .exclude(pk=besides)
        .distinct()
        .values_list("pk", "locale")
    )


def request_notify(enrolment: Enrolment, *, to_ld: bool) -> int:
    """A request waits for a decision: tell who decides (the manager, or L&D staff)."""
    employee = enrolment.employee
    if to_ld:
        people, audience = _ld_staff(besides=employee.pk), "ld"
    else:
        manager = employee.manager
        people, audience = [(manager.pk, manager.locale)], "manager"
    values = {"name": literal(employee.full_name), "title": literal(enrolment.title)}

    def compose():
        values["cost"] = money(enrolment.cost)
        subject = _("%(name)s asks to take %(title)s") % values
        body = _("%(name)s asks to take “%(title)s” (%(cost)s). The request waits for your decision.") % values
        if to_ld and enrolment.routing_note:
            body += "\n\n" + _("Why it came to L&D staff: %(note)s") % {"note": literal(enrolment.routing_note)}
        return subject, body

    return _tell(f"catalog.requested:{enrolment.pk}:{audience}", people, compose, _link("catalog:approvals"))


def decision_notify(enrolment: Enrolment) -> int:
    """Approved (by someone or automatically) or rejected: tell the employee."""
    employee = enrolment.employee
    decided_by = (
        getattr(getattr(enrolment.decided_by, "employee", None), "full_name", "") if enrolment.decided_by else ""
    )
    values = {
        "title": literal(enrolment.title),
        "by": literal(decided_by),
        "comment": literal(enrolment.decision_comment),
    }
    kind = "rejected" if enrolment.status == "rejected" else "auto" if enrolment.auto_approved else "approved"

    def compose():
        values["cost"] = money(enrolment.cost)
        if kind == "auto":
            subject = _("Approved: %(title)s") % values
            body = (
                _(
                    "Your request for “%(title)s” (%(cost)s) was approved automatically: it costs less than "
                    "what needs a manager's approval."
                )
                % values
            )
        elif kind == "approved":
            subject = _("Approved: %(title)s") % values
            body = (
                _("%(by)s approved your request for “%(title)s” (%(cost)s).") % values
                if values["by"]
                else _("Your request for “%(title)s” (%(cost)s) was approved.") % values
            )
        else:
            subject = _("Not approved: %(title)s") % values
            body = (
                _("%(by)s did not approve your request for “%(title)s”.") % values
                if values["by"]
                else _("Your request for “%(title)s” was not approved.") % values
            )
        if values["comment"]:
            body += "\n\n" + _("Comment: %(comment)s") % values
        return subject, body

    return _tell(
        f"catalog.decided:{enrolment.pk}:{kind}",
        [(employee.pk, employee.locale)],
        compose,
        _link("catalog:enrolment_detail", enrolment.pk),
    )


def budget_refusal_notify(enrolment: Enrolment, *, missing, available, routed_to_ld: bool) -> int:
    """An approval refused because the budget does not cover it: tell the employee what is missing."""
    employee = enrolment.employee
    values = {"title": literal(enrolment.title)}

    def compose():
        values.update(cost=money(enrolment.cost), missing=money(missing), available=money(available))
        subject = _("Not enough budget for %(title)s") % values
        body = (
            _(
                "Your request for “%(title)s” (%(cost)s) cannot be approved yet: %(missing)s of learning budget is "
                "missing (%(available)s available)."
            )
            % values
        )
        body += "\n\n" + (
            _("L&D staff will decide on it.") if routed_to_ld else _("The request stays open until it is decided.")
        )
        return subject, body

    return _tell(
        f"catalog.budget_refused:{enrolment.pk}",
        [(employee.pk, employee.locale)],
        compose,
        _link("catalog:enrolment_detail", enrolment.pk),
    )
