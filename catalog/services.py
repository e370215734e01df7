"""Every write to the catalog and to enrolments: one keyword-only function per use case.

The enrolment life cycle is requested → approved / rejected → started → completed, or cancelled.
Budgets take part through `catalog.signals` inside these transactions (see docs/catalog.md).
"""

import contextlib
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from people.access import roles_of
from people.audience import Audience
from people.models import Employee

from .exceptions import ApprovalRefused
from .models import (
    ITEM_FIELDS,
    OPEN_STATUSES,
    SEAT_STATUSES,
    CatalogSettings,
    Enrolment,
    ItemDepartmentStat,
    LearningItem,
    LearningProfile,
    Session,
    Skill,
    Source,
    Status,
)
from .signals import enrolment_approving, enrolment_completed, enrolment_released


class SessionFull(ValidationError):
    pass


# --- who decides -------------------------------------------------------------------------------


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


# --- requests ----------------------------------------------------------------------------------


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
) -> Enrolment:
    """An employee asks to take an item (a session of it, for dated formats). Below the approval
    threshold it is approved at once, through the same approval service as a manager's click."""
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
    enrolment = Enrolment(employee=employee, item=item, session=session, motivation=motivation.strip(), source=source)
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

    transaction.on_commit(
        lambda: domain_event.send(sender=Enrolment, name="catalog.enrolment_requested", enrolment=enrolment)
    )
    if enrolment.cost < _approval_threshold():
        # Refused: the request stays with its approver (or went to L&D staff); nothing to undo.
        with contextlib.suppress(ApprovalRefused):
            enrolment_approve(enrolment=enrolment, by=None)


# --- decisions ---------------------------------------------------------------------------------


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
            if exc.route_to_ld and not locked.routed_to_ld:
                locked.routed_to_ld = True
                locked.routing_note = str(exc.message)[:300]
                locked.save(update_fields=["routed_to_ld", "routing_note", "updated_at"])
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
    locked.status = Status.REJECTED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_comment = comment.strip()[:500]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    if was_approved:
        enrolment_released.send(sender=Enrolment, enrolment=locked)
    _event("catalog.enrolment_rejected", locked)
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


def _check_rating(rating, helped_in_work, *, required: bool):
    errors = {}
    if rating is None:
        if required:
            errors["rating"] = _("Rate it from 1 to 5.")
    elif not (isinstance(rating, int) and 1 <= rating <= 5):
        errors["rating"] = _("Rate it from 1 to 5.")
    if helped_in_work is None and required:
        errors["helped_in_work"] = _("Say whether it helped in your work.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrolment_complete(
    *,
    enrolment: Enrolment,
    by,
    rating: int | None = None,
    helped_in_work: bool | None = None,
    amount: Decimal | None = None,
    at: datetime | None = None,
) -> Enrolment:
    """Mark as completed. People rate it (1-5) and say whether it helped; an LMS (by=None) may not
    know, and the employee can rate it later. `amount` is the invoiced amount, if known."""
    _check_rating(rating, helped_in_work, required=by is not None and not roles_of(by).is_ld_staff)
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
    locked.rating = rating
    locked.helped_in_work = helped_in_work
    locked.invoiced_amount = amount
    locked.save(
        update_fields=[
            "status",
            "completed_at",
            "started_at",
            "rating",
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
def enrolment_rate(*, enrolment: Enrolment, by, rating: int, helped_in_work: bool) -> Enrolment:
    """Rate a completed enrolment afterwards (e.g. one an LMS reported)."""
    _check_rating(rating, helped_in_work, required=True)
    locked = _locked(enrolment)
    if locked.status != Status.COMPLETED:
        _refuse_transition(locked)
    if roles_of(by).employee is None or roles_of(by).employee.pk != locked.employee_id:
        raise PermissionDenied(_("Only the employee rates their own training."))
    locked.rating = rating
    locked.helped_in_work = helped_in_work
    locked.save(update_fields=["rating", "helped_in_work", "updated_at"])
    _refresh_stats_on_commit(locked)
    return _copy_into(enrolment, locked)


@transaction.atomic
def enrolment_record_completion(
    *,
    employee: Employee,
    item: LearningItem,
    completed_at: datetime | None = None,
    amount: Decimal | None = None,
    rating: int | None = None,
) -> tuple[Enrolment, bool]:
    """A completion reported by an external LMS: completes the open enrolment, or records one
    (source API) when the LMS launched the training itself. Safe to repeat: a completion already
    recorded at the same moment changes nothing. Returns (enrolment, changed)."""
    _check_rating(rating, None, required=False)
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
    return enrolment_complete(enrolment=open_one, by=None, rating=rating, amount=amount, at=completed_at), True


def _event(name: str, enrolment: Enrolment) -> None:
    from people.signals import domain_event

    transaction.on_commit(lambda: domain_event.send(sender=Enrolment, name=name, enrolment=enrolment))


def _refresh_stats_on_commit(enrolment: Enrolment) -> None:
    if enrolment.item_id:
        from .tasks import item_stats_refresh_task

        item_id = enrolment.item_id
        transaction.on_commit(lambda: item_stats_refresh_task.delay(item_id))


# --- colleagues' completions and ratings -------------------------------------------------------


@transaction.atomic
def item_stats_refresh(*, item_ids=None) -> int:
    """Recompute completions and ratings per item and department (all items, or the ones given).
    Idempotent: the rows are replaced with what the enrolments say now."""
    enrolments = Enrolment.objects.filter(
        status=Status.COMPLETED, item__isnull=False, employee__department__isnull=False
    )
    stats = ItemDepartmentStat.objects.all()
    if item_ids is not None:
        enrolments = enrolments.filter(item_id__in=item_ids)
        stats = stats.filter(item_id__in=item_ids)
    rows = (
        enrolments.values("item_id", "employee__department_id")
        .annotate(n=Count("pk"), rsum=Sum("rating"), rcount=Count("rating"))
        .order_by()
    )
    fresh = [
        ItemDepartmentStat(
            item_id=r["item_id"],
            department_id=r["employee__department_id"],
            completions=r["n"],
            rating_sum=r["rsum"] or 0,
            rating_count=r["rcount"],
        )
        for r in rows
    ]
    stats.delete()
    ItemDepartmentStat.objects.bulk_create(fresh, batch_size=2000)
    return len(fresh)


# --- the learning profile ----------------------------------------------------------------------


@transaction.atomic
def learning_profile_update(*, employee: Employee, needs, preferred_formats: list[str]) -> LearningProfile:
    from .models import Format

    unknown = sorted(set(preferred_formats) - set(Format.values))
    if unknown:
        raise ValidationError(
            {"preferred_formats": _("Unknown formats: %(formats)s") % {"formats": ", ".join(unknown)}}
        )
    profile, _created = LearningProfile.objects.get_or_create(employee=employee)
    profile.preferred_formats = list(dict.fromkeys(preferred_formats))
    profile.save()
    profile.needs.set(list(needs))
    return profile


def skill_get_or_create(*, name: str) -> Skill:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"skills": _("A skill needs a name.")})
    found = Skill.objects.filter(name__iexact=name).first()
    return found or Skill.objects.create(name=name)


@transaction.atomic
def skill_rename(*, skill: Skill, name: str) -> Skill:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("A skill needs a name.")})
    if Skill.objects.filter(name__iexact=name).exclude(pk=skill.pk).exists():
        raise ValidationError({"name": _("There is already a skill with this name.")})
    skill.name = name
    skill.full_clean()
    skill.save()
    return skill


# --- managing the offer (L&D staff) ------------------------------------------------------------
# Every write of the management pages goes through these. Errors are ValidationErrors keyed by the
# form's field names, raised before anything is written, so bad input changes nothing. Creating an
# item still announces `catalog.item_added` and bumps the ranking cache's version through the
# model signals in handlers.py.


def _tag_names(skills) -> list[str]:
    names = []
    for raw in skills or ():
        name = " ".join(str(raw).split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


def _skills_for(names: list[str]) -> list[Skill]:
    for name in names:
        if len(name) > Skill._meta.get_field("name").max_length:
            raise ValidationError(
                {"skills": _("A skill name can be at most 100 characters: %(name)s") % {"name": name}}
            )
    return [skill_get_or_create(name=name) for name in names]


def _item_apply(item: LearningItem, *, levels, skills, **fields) -> LearningItem:
    from .models import LEVELS

    errors = {}
    unknown = sorted(set(levels or ()) - set(LEVELS))
    if unknown:
        errors["levels"] = _("Unknown education levels: %(levels)s") % {"levels": ", ".join(unknown)}
    elif not levels:
        errors["levels"] = _("Choose at least one education level the item suits.")
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    for level in LEVELS:
        setattr(item, f"level_{level}", level in (levels or ()))
    if not item.title:
        errors["title"] = _("Give the item a title.")
    if item.provider_key:
        clash = LearningItem.objects.filter(provider=item.provider, provider_key=item.provider_key).exclude(pk=item.pk)
        if clash.exists():
            errors["provider_key"] = _("This provider already has an item with this key.")
    try:
        item.full_clean(exclude=["skills"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    names = _tag_names(skills)
    skill_objects = _skills_for(names)
    item.save()
    item.skills.set(skill_objects)
    return item


ITEM_DEFAULTS = {
    "description": "",
    "provider": "",
    "provider_key": "",
    "language": "nl",
    "cost": Decimal("0"),
    "skills": (),
    "delivery": "online",
    "url": "",
    "active": True,
}


def _item_fields(fields: dict) -> dict:
    """Every field of ITEM_FIELDS: the given ones, the defaults for the rest (a full replace)."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown learning item fields: {sorted(unknown)}")
    return {**ITEM_DEFAULTS, **fields}


@transaction.atomic
def item_create(**fields) -> LearningItem:
    """A new item in the offer (fields: ITEM_FIELDS); skills are tags (created when new).
    Announces `catalog.item_added`."""
    return _item_apply(LearningItem(), **_item_fields(fields))


@transaction.atomic
def item_update(*, item: LearningItem, **fields) -> LearningItem:
    """Replace the item's fields (ITEM_FIELDS; those left out take their defaults)."""
    locked = LearningItem.objects.select_for_update().get(pk=item.pk)
    _item_apply(locked, **_item_fields(fields))
    for field in LearningItem._meta.concrete_fields:
        setattr(item, field.attname, getattr(locked, field.attname))
    return item


@transaction.atomic
def item_deactivate(*, item: LearningItem) -> LearningItem:
    """Items are never deleted (enrolments point at them): they leave the offer. Open enrolments stay."""
    LearningItem.objects.filter(pk=item.pk).select_for_update().get()
    item.active = False
    item.save(update_fields=["active", "updated_at"])
    return item


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


def _rule_apply(rule, *, item, audience, starts_on, due_days, renewal_months, active):
    errors = {}
    if item is None:
        errors["item"] = _("Choose the item that is required.")
    if starts_on is None:
        errors["starts_on"] = _("Give the date the rule comes into force.")
    if due_days is None or due_days < 0:
        errors["due_days"] = _("Give the number of days (0 or more).")
    if renewal_months is not None and renewal_months < 1:
        errors["renewal_months"] = _("Renew after at least one month, or leave it empty.")
    rule.item, rule.audience = item, audience
    rule.starts_on, rule.due_days, rule.renewal_months, rule.active = starts_on, due_days, renewal_months, active
    try:
        rule.full_clean(exclude=[name for name in ("item", "starts_on", "due_days") if name in errors])
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    rule.save()
    return rule


@transaction.atomic
def mandatory_rule_create(
    *,
    item: LearningItem,
    audience: Audience,
    starts_on: date,
    due_days: int,
    renewal_months: int | None = None,
    active: bool = True,
):
    from .models import MandatoryRule

    return _rule_apply(
        MandatoryRule(),
        item=item,
        audience=audience,
        starts_on=starts_on,
        due_days=due_days,
        renewal_months=renewal_months,
        active=active,
    )


@transaction.atomic
def mandatory_rule_update(
    *,
    rule,
    item: LearningItem,
    audience: Audience,
    starts_on: date,
    due_days: int,
    renewal_months: int | None = None,
    active: bool = True,
):
    from .models import MandatoryRule

    locked = MandatoryRule.objects.select_for_update().get(pk=rule.pk)
    _rule_apply(
        locked,
        item=item,
        audience=audience,
        starts_on=starts_on,
        due_days=due_days,
        renewal_months=renewal_months,
        active=active,
    )
    for field in MandatoryRule._meta.concrete_fields:
        setattr(rule, field.attname, getattr(locked, field.attname))
    return rule


@transaction.atomic
def mandatory_rule_delete(*, rule) -> None:
    rule.delete()


@transaction.atomic
def job_group_skills_set(*, job_group, skills: list[str]) -> list[Skill]:
    """Replace the set of skills a job group needs (skills as tags, created when new)."""
    from .models import JobGroupSkill
    from .selectors import catalog_changed

    wanted = _skills_for(_tag_names(skills))
    wanted_ids = {s.pk for s in wanted}
    current = set(JobGroupSkill.objects.filter(job_group=job_group).values_list("skill_id", flat=True))
    JobGroupSkill.objects.filter(job_group=job_group).exclude(skill_id__in=wanted_ids).delete()
    JobGroupSkill.objects.bulk_create(
        [JobGroupSkill(job_group=job_group, skill_id=pk) for pk in wanted_ids - current], ignore_conflicts=True
    )
    # bulk_create sends no post_save: the rankings' version is bumped here.
    transaction.on_commit(catalog_changed)
    return wanted


@transaction.atomic
def catalog_settings_update(*, approval_threshold: Decimal) -> CatalogSettings:
    if approval_threshold is None or approval_threshold < 0:
        raise ValidationError({"approval_threshold": _("Enter an amount in euros (0 or more).")})
    if approval_threshold >= Decimal("10000000"):
        raise ValidationError({"approval_threshold": _("Enter an amount below 10,000,000 euros.")})
    current = CatalogSettings.current()
    settings = CatalogSettings.objects.select_for_update().get(pk=current.pk)
    settings.approval_threshold = approval_threshold
    settings.save(update_fields=["approval_threshold"])
    return settings
