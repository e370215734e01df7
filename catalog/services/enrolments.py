"""Enrolments: who decides, and the life cycle from the request to completion or cancellation."""

import contextlib
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.access import roles_of
from people.audit import audit_record
from people.models import Employee

from ..exceptions import ApprovalRefused
from ..models import (
    OPEN_STATUSES,
    CatalogSettings,
    Enrolment,
    LearningItem,
    Session,
    Source,
    Status,
)
from ..signals import enrolment_approving, enrolment_completed, enrolment_released
from . import notices
from .sessions import _reserve_seat
from .stats import _refresh_stats_on_commit


def enrolment_goes_to_ld(enrolment: Enrolment) -> bool:
    """L&D staff decide when routed there, or when the manager is missing, inactive or cannot sign in."""
    if enrolment.routed_to_ld:
        return True
    manager = enrolment.employee.manager
    return manager is None or not manager.active or manager.user_id is None


def can_decide(user, enrolment: Enrolment) -> bool:
    """Nobody decides on their own request; L&D staff may decide any other; a manager their direct
    reports' requests unless those went to L&D staff."""
    roles = roles_of(user)
    me = roles.employee
    if me is not None and me.pk == enrolment.employee_id:
        return False
    if roles.is_ld_staff:
        return True
    if me is None:
        return False
    return enrolment.employee.manager_id == me.pk and not enrolment_goes_to_ld(enrolment)


def _may_act_for(user, enrolment: Enrolment) -> bool:
    """The employee themself, or L&D staff (on behalf of), may start, complete or cancel."""
    roles = roles_of(user)
    return roles.is_ld_staff or (roles.employee is not None and roles.employee.pk == enrolment.employee_id)


def _approval_threshold() -> Decimal:
    return CatalogSettings.current().approval_threshold


@transaction.atomic
def enrolment_request(
    *,
    employee: Employee,
    item: LearningItem,
    motivation: str,
    session: Session | None = None,
    source: str = Source.WEB,
    via_for_you: bool = False,
) -> Enrolment:
    """An employee asks to take an item (a session of it, for dated formats). Below the approval
    threshold it is approved at once, through the same approval service as a manager's click.
    `via_for_you`: asked from a "for you" recommendation."""
    errors = {}
    if not employee.active:
        errors["employee"] = _("Only active employees can enrol.")
    if not item.active:
        errors["item"] = _("This item is no longer offered.")
    if not (motivation or "").strip():
        errors["motivation"] = _("Tell your manager why you want to take this.")
    if session is not None:
        if session.item_id != item.pk:
            errors["session"] = _("This session belongs to another item.")
        elif session.cancelled_at is not None:
            errors["session"] = _("This session has been cancelled. Choose another date.")
        elif session.starts_at <= timezone.now():
            errors["session"] = _("This session has already started.")
    elif item.sessions.filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True).exists():
        errors["session"] = _("Choose a session.")
    if errors:
        raise ValidationError(errors)
    if Enrolment.objects.filter(employee=employee, item=item, status__in=OPEN_STATUSES).exists():
        raise ValidationError({"item": _("You already have an open enrolment for this item.")}, code="duplicate")
    if session is not None:
        _reserve_seat(session.pk)
    enrolment = Enrolment(
        employee=employee,
        item=item,
        session=session,
        motivation=motivation.strip(),
        source=source,
        via_for_you=via_for_you,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        # A second click raced the first past the check above; the partial unique index held.
        raise ValidationError(
            {"item": _("You already have an open enrolment for this item.")}, code="duplicate"
        ) from None
    _after_request(enrolment)
    return enrolment


@transaction.atomic
def enrolment_request_external(
    *,
    employee: Employee,
    title: str,
    provider: str,
    motivation: str,
    cost: Decimal,
    hours: Decimal | None = None,
    url: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Enrolment:
    """A request for training that is not in the catalog; the same approval rules apply."""
    enrolment = Enrolment(
        employee=employee,
        external_title=(title or "").strip(),
        external_provider=(provider or "").strip(),
        external_url=url or "",
        external_cost=cost,
        external_hours=hours,
        external_starts_on=starts_on,
        external_ends_on=ends_on,
        motivation=(motivation or "").strip(),
    )
    errors = {}
    if not enrolment.external_title:
        errors["title"] = _("Name the training.")
    if not enrolment.external_provider:
        errors["provider"] = _("Name the provider.")
    if not enrolment.motivation:
        errors["motivation"] = _("Tell your manager why you want to take this.")
    if cost is None or cost < 0:
        errors["cost"] = _("Enter the cost in euros (0 or more).")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The training cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    enrolment.full_clean()
    enrolment.save()
    _after_request(enrolment)
    return enrolment


def _after_request(enrolment: Enrolment) -> None:
    from people.signals import domain_event

    # Inside the transaction: what a receiver must cause it records in the outbox, with the request.
    domain_event.send(sender=Enrolment, name="catalog.enrolment_requested", enrolment=enrolment)
    if enrolment.cost < _approval_threshold():
        # Refused: the request stays with its approver (or went to L&D staff); nothing to undo.
        with contextlib.suppress(ApprovalRefused):
            enrolment_approve(enrolment=enrolment, by=None)
    if enrolment.status == Status.REQUESTED:
        notices.request_notify(enrolment, to_ld=enrolment_goes_to_ld(enrolment))


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("employee__manager", "item", "session")
        .get(pk=enrolment.pk)
    )


def _copy_into(target: Enrolment, source: Enrolment) -> Enrolment:
    for field in Enrolment._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _refuse_transition(enrolment: Enrolment):
    raise ValidationError(
        _("This enrolment is %(status)s; that cannot be done any more.") % {"status": enrolment.get_status_display()},
        code="invalid_transition",
    )


def enrolment_approve(*, enrolment: Enrolment, by, comment: str = "") -> Enrolment:
    """Approve a request. `by` is the approving user, or None for an automatic approval.

    The row is locked, so a second click finds it decided and is refused without a second effect.
    Receivers of `enrolment_approving` (budgets) run in a savepoint: if one raises ApprovalRefused,
    whatever it wrote is rolled back, the approval is not saved, and the refusal is raised for the
    approver to read. With `route_to_ld`, the request moves to L&D staff's inbox with that message.
    """
    refused = None
    with transaction.atomic():
        locked = _locked(enrolment)
        if locked.status != Status.REQUESTED:
            _refuse_transition(locked)
        if by is not None and not can_decide(by, locked):
            raise PermissionDenied(_("You cannot decide on this request."))
        try:
            with transaction.atomic():
                enrolment_approving.send(sender=Enrolment, enrolment=locked, by=by)
        except ApprovalRefused as exc:
            refused = exc
            routed_now = exc.route_to_ld and not locked.routed_to_ld
            if routed_now:
                locked.routed_to_ld = True
                locked.routing_note = str(exc.message)[:300]
                locked.save(update_fields=["routed_to_ld", "routing_note", "updated_at"])
            if exc.missing is not None:
                notices.budget_refusal_notify(
                    locked, missing=exc.missing, available=exc.available, routed_to_ld=locked.routed_to_ld
                )
            if routed_now and by is not None:
                notices.request_notify(locked, to_ld=True)  # (a new request is announced by _after_request)
        else:
            locked.status = Status.APPROVED
            locked.decided_by = by
            locked.decided_at = timezone.now()
            locked.decision_comment = (comment or "").strip()[:500]
            locked.auto_approved = by is None
            locked.save(
                update_fields=["status", "decided_by", "decided_at", "decision_comment", "auto_approved", "updated_at"]
            )
            _event("catalog.enrolment_approved", locked)
            audit_record(
                action="enrolment.approved",
                obj=locked,
                subject=locked.employee_id,
                changes={"status": [Status.REQUESTED, Status.APPROVED], "automatic": by is None},
                reason=locked.decision_comment,
                by=by,
            )
            notices.decision_notify(locked)
    _copy_into(enrolment, locked)
    if refused is not None:
        raise refused
    return enrolment


@transaction.atomic
def enrolment_reject(*, enrolment: Enrolment, by, comment: str = "") -> Enrolment:
    """Reject a request (or an approval not yet started); an approved one releases its commitment."""
    locked = _locked(enrolment)
    if locked.status not in (Status.REQUESTED, Status.APPROVED):
        _refuse_transition(locked)
    if not can_decide(by, locked):
        raise PermissionDenied(_("You cannot decide on this request."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why, so your colleague understands.")})
    was_approved = locked.status == Status.APPROVED
    audit_record(
        action="enrolment.rejected",
        obj=locked,
        subject=locked.employee_id,
        changes={"status": [locked.status, Status.REJECTED]},
        reason=comment.strip()[:500],
        by=by,
    )
    locked.status = Status.REJECTED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_comment = comment.strip()[:500]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    if was_approved:
        enrolment_released.send(sender=Enrolment, enrolment=locked)
    _event("catalog.enrolment_rejected", locked)
    notices.decision_notify(locked)
    return _copy_into(enrolment, locked)


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by) -> Enrolment:
    locked = _locked(enrolment)
    if locked.status not in (Status.REQUESTED, Status.APPROVED, Status.STARTED):
        _refuse_transition(locked)
    if by is not None and not _may_act_for(by, locked):
        raise PermissionDenied(_("Only the employee or L&D staff can cancel this."))
    was_committed = locked.status in (Status.APPROVED, Status.STARTED)
    locked.status = Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_at", "updated_at"])
    if was_committed:
        enrolment_released.send(sender=Enrolment, enrolment=locked)
    _event("catalog.enrolment_cancelled", locked)
    return _copy_into(enrolment, locked)


@transaction.atomic
def enrolment_start(*, enrolment: Enrolment, by, at: datetime | None = None) -> Enrolment:
    locked = _locked(enrolment)
    if locked.status != Status.APPROVED:
        _refuse_transition(locked)
    if by is not None and not _may_act_for(by, locked):
        raise PermissionDenied(_("Only the employee or L&D staff can do this."))
    locked.status = Status.STARTED
    locked.started_at = at or timezone.now()
    locked.save(update_fields=["status", "started_at", "updated_at"])
    return _copy_into(enrolment, locked)


def _check_helped(helped_in_work, *, required: bool):
    if helped_in_work is None and required:
        raise ValidationError({"helped_in_work": _("Say whether it helped in your work.")})


@transaction.atomic
def enrolment_complete(
    *,
    enrolment: Enrolment,
    by,
    helped_in_work: bool | None = None,
    amount: Decimal | None = None,
    at: datetime | None = None,
) -> Enrolment:
    """Mark as completed. People say whether it helped (an LMS, by=None, may not know: the employee
    can say so later); they rate it in the evaluation the completion sends (surveys), the one
    place for ratings, so Enrolment.rating keeps only older ratings. `amount` is the invoiced
    amount, if known."""
    _check_helped(helped_in_work, required=by is not None and not roles_of(by).is_ld_staff)
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The invoiced amount cannot be negative.")})
    locked = _locked(enrolment)
    if locked.status not in (Status.APPROVED, Status.STARTED):
        _refuse_transition(locked)
    if by is not None and not _may_act_for(by, locked):
        raise PermissionDenied(_("Only the employee or L&D staff can do this."))
    locked.status = Status.COMPLETED
    locked.completed_at = at or timezone.now()
    locked.started_at = locked.started_at or locked.completed_at
    locked.helped_in_work = helped_in_work
    locked.invoiced_amount = amount
    locked.save(
        update_fields=[
            "status",
            "completed_at",
            "started_at",
            "helped_in_work",
            "invoiced_amount",
            "updated_at",
        ]
    )
    enrolment_completed.send(sender=Enrolment, enrolment=locked, amount=amount)
    _event("catalog.enrolment_completed", locked)
    _refresh_stats_on_commit(locked)
    return _copy_into(enrolment, locked)


@transaction.atomic
def enrolment_say_helped(*, enrolment: Enrolment, by, helped_in_work: bool) -> Enrolment:
    """Say afterwards whether a completed training helped in the work (e.g. one an LMS reported)."""
    _check_helped(helped_in_work, required=True)
    locked = _locked(enrolment)
    if locked.status != Status.COMPLETED:
        _refuse_transition(locked)
    if roles_of(by).employee is None or roles_of(by).employee.pk != locked.employee_id:
        raise PermissionDenied(_("Only the employee rates their own training."))
    locked.helped_in_work = helped_in_work
    locked.save(update_fields=["helped_in_work", "updated_at"])
    _refresh_stats_on_commit(locked)
    return _copy_into(enrolment, locked)


@transaction.atomic
def enrolment_record_completion(
    *,
    employee: Employee,
    item: LearningItem,
    completed_at: datetime | None = None,
    amount: Decimal | None = None,
) -> tuple[Enrolment, bool]:
    """A completion reported by an external LMS: completes the open enrolment, or records one
    (source API) when the LMS launched the training itself. Safe to repeat: a completion already
    recorded at the same moment changes nothing. Returns (enrolment, changed)."""
    completed_at = completed_at or timezone.now()
    done = Enrolment.objects.filter(
        employee=employee, item=item, status=Status.COMPLETED, completed_at=completed_at
    ).first()
    if done is not None:
        return done, False
    open_one = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(employee=employee, item=item, status__in=[Status.APPROVED, Status.STARTED])
        .first()
    )
    if open_one is None:
        pending = Enrolment.objects.filter(employee=employee, item=item, status=Status.REQUESTED).first()
        if pending is not None:
            raise ValidationError(
                {"enrolment": _("The request for this item is still waiting for approval.")}, code="not_approved"
            )
        open_one = Enrolment.objects.create(
            employee=employee,
            item=item,
            motivation=_("Reported as completed by the learning platform."),
            status=Status.STARTED,
            started_at=completed_at,
            source=Source.API,
            auto_approved=True,
        )
    return enrolment_complete(enrolment=open_one, by=None, amount=amount, at=completed_at), True


def _event(name: str, enrolment: Enrolment) -> None:
    from people.signals import domain_event

    # Sent inside the action's transaction, not on its commit: a receiver records the work it causes
    # in the outbox (surveys: the evaluation invitation) in this same transaction, so a process that
    # dies between the commit and an on-commit callback cannot lose it, and a rollback undoes it.
    domain_event.send(sender=Enrolment, name=name, enrolment=enrolment)
