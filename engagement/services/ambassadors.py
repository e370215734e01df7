"""Ambassadors: nominations by managers and colleagues, L&D's invitation, the person's consent
(accept or decline), and the end of an appointment (by L&D, or the person stepping down). Each
move is one transaction on the locked row, kept with who and when, audited, and told to the person
in their language through the delivery service."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audit import audit_record
from people.models import AuditAction, Employee
from people.notices import notify_each_language

from ..models import AMBASSADOR_MOVES, Ambassadorship, AmbassadorStatus, Nomination, NominationStatus


def nomination_create(*, nominee: Employee, by: Employee, reason: str) -> Nomination:
    """`by` proposes `nominee`; nobody nominates themselves, and one open nomination per pair."""
    reason = (reason or "").strip()
    errors = {}
    if nominee.pk == by.pk:
        errors["nominee"] = _("You cannot nominate yourself.")
    elif not nominee.active:
        errors["nominee"] = _("This person no longer works here.")
    if not reason:
        errors["reason"] = _("Say in a few words why.")
    elif len(reason) > 300:
        errors["reason"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Nomination.objects.create(nominee=nominee, by=by, reason=reason)
    except IntegrityError:  # the partial unique key: an open nomination of this pair exists
        raise ValidationError({"nominee": _("You have already nominated %(name)s.") % {"name": nominee}}) from None


def _lock(ambassadorship: Ambassadorship) -> Ambassadorship:
    return (
        Ambassadorship.objects.select_for_update(of=("self",))
        .select_related("employee", "department")
        .get(pk=ambassadorship.pk)
    )


def _move(row: Ambassadorship, to: str) -> None:
    if to not in AMBASSADOR_MOVES.get(row.status, set()):
        raise ValidationError(_("This is no longer possible: the invitation or appointment has changed."))


def _audit(row: Ambassadorship, old: str, by: Employee, reason: str = "") -> None:
    audit_record(
        action=AuditAction.AMBASSADOR_CHANGED,
        obj=row,
        subject=row.employee_id,
        changes={"status": [old, row.status], "department": row.department_id},
        reason=reason,
        by=by.user if by.user_id else None,
    )


def _tell(row: Ambassadorship, what: str) -> None:
    employee, department = row.employee, row.department.name

    def compose():
        texts = {
            "invited": (
                _("You are invited to be an ambassador"),
                _(
                    "L&D invites you to be the learning ambassador for %(department)s: the colleague people ask"
                    " about learning, who gathers their needs and ideas. Accept or decline on your activity page."
                ),
            ),
            "ended": (
                _("Your ambassadorship has ended"),
                _("L&D has ended your ambassadorship for %(department)s. Thank you for what you did."),
            ),
            "withdrawn": (
                _("Invitation withdrawn"),
                _("L&D has withdrawn the invitation to be ambassador for %(department)s."),
            ),
        }
        subject, body = texts[what]
        return subject, body % {"department": department}

    notify_each_language(
        key=f"engagement.ambassador:{row.pk}:{what}",
        people=[(employee.pk, employee.locale)],
        compose=compose,
        link=reverse("engagement:mine"),
        category="system",
    )


@transaction.atomic
def ambassador_invite(*, employee: Employee, by: Employee, department=None) -> Ambassadorship:
    """L&D invites `employee` to be ambassador for `department` (their own by default). The open
    nominations of the person are taken up. The person's row is locked, so two invitations at once
    cannot both be made."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    department = department or employee.department
    if not employee.active:
        raise ValidationError({"employee": _("This person no longer works here.")})
    if department is None:
        raise ValidationError({"department": _("Choose the department.")})
    live = Ambassadorship.objects.filter(employee=employee, status__in=[AmbassadorStatus.INVITED, "accepted"]).first()
    if live is not None:
        raise ValidationError(
            {
                "employee": _("%(name)s is already invited or an ambassador (%(department)s).")
                % {"name": employee, "department": live.department}
            }
        )
    row = Ambassadorship.objects.create(
        employee=employee, department=department, invited_by=by, invited_at=timezone.now()
    )
    Nomination.objects.filter(nominee=employee, status=NominationStatus.OPEN).update(
        status=NominationStatus.TAKEN_UP, closed_at=timezone.now()
    )
    row.department = department
    _audit(row, "", by)
    _tell(row, "invited")
    return row


@transaction.atomic
def nomination_dismiss(*, nomination: Nomination, by: Employee) -> Nomination:
    row = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if row.status != NominationStatus.OPEN:
        raise ValidationError(_("This nomination is already closed."))
    row.status, row.closed_at = NominationStatus.DISMISSED, timezone.now()
    row.save(update_fields=["status", "closed_at", "updated_at"])
    return row


def _own_answer(ambassadorship: Ambassadorship, employee: Employee, to: str) -> Ambassadorship:
    row = _lock(ambassadorship)
    if row.employee_id != employee.pk:
        raise ValidationError(_("Only the person invited can answer."))
    _move(row, to)
    old = row.status
    row.status = to
    if to == AmbassadorStatus.STEPPED_DOWN:
        row.ended_by, row.ended_at = employee, timezone.now()
    else:
        row.answered_at = timezone.now()
    row.save()
    _audit(row, old, employee)
    return row


@transaction.atomic
def ambassador_accept(*, ambassadorship: Ambassadorship, employee: Employee) -> Ambassadorship:
    """The person consents: from now on they are ambassador for the department."""
    return _own_answer(ambassadorship, employee, AmbassadorStatus.ACCEPTED)


@transaction.atomic
def ambassador_decline(*, ambassadorship: Ambassadorship, employee: Employee) -> Ambassadorship:
    return _own_answer(ambassadorship, employee, AmbassadorStatus.DECLINED)


@transaction.atomic
def ambassador_step_down(*, ambassadorship: Ambassadorship, employee: Employee) -> Ambassadorship:
    return _own_answer(ambassadorship, employee, AmbassadorStatus.STEPPED_DOWN)


@transaction.atomic
def ambassador_end(*, ambassadorship: Ambassadorship, by: Employee) -> Ambassadorship:
    """L&D ends an appointment, or withdraws an invitation not yet answered."""
    row = _lock(ambassadorship)
    to = AmbassadorStatus.WITHDRAWN if row.status == AmbassadorStatus.INVITED else AmbassadorStatus.ENDED
    _move(row, to)
    old = row.status
    row.status, row.ended_by, row.ended_at = to, by, timezone.now()
    row.save()
    _audit(row, old, by)
    _tell(row, "withdrawn" if to == AmbassadorStatus.WITHDRAWN else "ended")
    return row
