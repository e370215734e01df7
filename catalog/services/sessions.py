"""Dated sessions and their seats: never more bookings than seats, under the session's row lock."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    OPEN_STATUSES,
    SEAT_STATUSES,
    Enrolment,
    LearningItem,
    Session,
)


class SessionFull(ValidationError):
    pass


def _lock_session(session_id: int) -> Session:
    """The seat race's guard: the session's row, locked until the transaction ends, so bookings
    and seat changes of one session count and write one after the other."""
    return Session.objects.select_related("item").select_for_update(of=("self",)).get(pk=session_id)


def _reserve_seat(session_id: int) -> Session:
    session = _lock_session(session_id)
    taken = session_booked(session)
    if session.cancelled_at is not None:
        raise ValidationError({"session": _("This session has been cancelled. Choose another date.")})
    if taken >= session.seats:
        raise SessionFull(_("This session is full. Choose another date."), code="session_full")
    return session


def _session_errors(*, item: LearningItem, starts_at, ends_at, seats, place) -> dict:
    errors = {}
    if not item.is_dated:
        errors["starts_at"] = _("Only dated formats (classroom, webinar, conference) have sessions.")
    if starts_at is None:
        errors["starts_at"] = _("Give the start.")
    if ends_at is None:
        errors["ends_at"] = _("Give the end.")
    elif starts_at is not None and ends_at < starts_at:
        errors["ends_at"] = _("A session cannot end before it starts.")
    if seats is None or seats < 1:
        errors["seats"] = _("A session needs at least one seat.")
    if len(place or "") > 200:
        errors["place"] = _("Keep the place under 200 characters.")
    return errors


@transaction.atomic
def session_create(
    *, item: LearningItem, starts_at: datetime, ends_at: datetime, seats: int, place: str = ""
) -> Session:
    errors = _session_errors(item=item, starts_at=starts_at, ends_at=ends_at, seats=seats, place=place)
    if errors:
        raise ValidationError(errors)
    return Session.objects.create(item=item, starts_at=starts_at, ends_at=ends_at, seats=seats, place=place.strip())


def session_booked(session: Session) -> int:
    return Enrolment.objects.filter(session_id=session.pk, status__in=SEAT_STATUSES).count()


@transaction.atomic
def session_update(*, session: Session, starts_at: datetime, ends_at: datetime, seats: int, place: str = "") -> Session:
    """Change a session. The row is locked like a seat reservation, so a request cannot slip in
    between counting the bookings and lowering the seats: never fewer seats than booked."""
    locked = _lock_session(session.pk)
    errors = _session_errors(item=locked.item, starts_at=starts_at, ends_at=ends_at, seats=seats, place=place)
    if locked.cancelled_at is not None:
        errors[NON_FIELD] = _("This session has been cancelled.")
    booked = session_booked(locked)
    if seats is not None and "seats" not in errors and seats < booked:
        errors["seats"] = _("%(booked)d people have booked this session: it needs at least %(booked)d seats.") % {
            "booked": booked
        }
    if errors:
        raise ValidationError(errors)
    locked.starts_at, locked.ends_at, locked.seats, locked.place = starts_at, ends_at, seats, place.strip()
    locked.save(update_fields=["starts_at", "ends_at", "seats", "place", "updated_at"])
    for field in Session._meta.concrete_fields:
        setattr(session, field.attname, getattr(locked, field.attname))
    return session


@transaction.atomic
def session_cancel(*, session: Session) -> int:
    """Cancel a session: it is no longer offered and its open bookings are cancelled (approved ones
    release their budget commitment through `enrolment_cancel`). Returns the bookings cancelled."""
    from .enrolments import enrolment_cancel  # enrolments reserve seats here: imported when used

    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.cancelled_at is not None:
        raise ValidationError(_("This session has already been cancelled."), code="invalid_transition")
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at", "updated_at"])
    session.cancelled_at = locked.cancelled_at
    cancelled = 0
    for enrolment in Enrolment.objects.filter(session_id=locked.pk, status__in=OPEN_STATUSES):
        enrolment_cancel(enrolment=enrolment, by=None)
        cancelled += 1
    return cancelled


NON_FIELD = "__all__"
