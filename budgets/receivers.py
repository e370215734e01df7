"""Budgets take part in the enrolment life cycle and in employee changes through signals only."""

from django.dispatch import receiver

from catalog.exceptions import ApprovalRefused
from catalog.signals import enrolment_approving, enrolment_completed, enrolment_released
from people.signals import employees_changed

from . import services


@receiver(enrolment_approving, dispatch_uid="budgets.commit_on_approval")
def commit_on_approval(sender, enrolment, by=None, **kwargs):
    try:
        services.budget_commit(enrolment=enrolment, by=by)
    except services.InsufficientBudget as exc:
        raise ApprovalRefused(
            exc.message,
            code="insufficient_budget",
            route_to_ld=exc.route_to_ld,
            missing=exc.missing,
            available=exc.available,
        ) from exc


@receiver(enrolment_released, dispatch_uid="budgets.release")
def release(sender, enrolment, **kwargs):
    services.budget_release(enrolment=enrolment)


@receiver(enrolment_completed, dispatch_uid="budgets.spend")
def spend(sender, enrolment, amount=None, **kwargs):
    services.budget_spend(enrolment=enrolment, amount=amount)


@receiver(employees_changed, dispatch_uid="budgets.allocate_on_change")
def allocate_on_change(sender, created=(), updated=(), deactivated=(), **kwargs):
    ids = (set(created) | set(updated)) - set(deactivated)
    if ids:
        services.budget_allocate(employee_ids=ids)
