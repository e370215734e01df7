"""The needs inbox of a department: colleagues drop a learning need or idea, the ambassador
groups them and forwards a group to L&D (a NEED activity on the ledger, so it earns points), and
L&D says what became of it: a catalog item, a survey topic, or declined with a reason. The people
who dropped the needs and the ambassador are told in their language."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Employee
from people.notices import literal, notify_each_language

from ..models import ActivityKind, Ambassadorship, AmbassadorStatus, Need, NeedGroup
from .ledger import activity_record


def is_ambassador_for(employee: Employee, department_id: int) -> bool:
    return Ambassadorship.objects.filter(
        employee=employee, department_id=department_id, status=AmbassadorStatus.ACCEPTED
    ).exists()


def need_drop(*, author: Employee, text: str, department=None) -> Need:
    """`author` drops a need in their department's inbox (or `department`'s, when they belong to it)."""
    text = (text or "").strip()
    department_id = department.pk if department is not None else author.department_id
    if not department_id:
        raise ValidationError(_("You belong to no department, so there is no inbox for you."))
    if not text:
        raise ValidationError({"text": _("Write the need or idea in a few words.")})
    if len(text) > 300:
        raise ValidationError({"text": _("At most 300 characters.")})
    return Need.objects.create(department_id=department_id, author=author, text=text)


@transaction.atomic
def need_group(*, department, title: str, need_ids: list[int], by: Employee) -> NeedGroup:
    """The ambassador gathers needs of the inbox that are not in a group yet under a title."""
    title = (title or "").strip()
    errors = {}
    if not is_ambassador_for(by, department.pk):
        raise ValidationError(_("Only the department's ambassador groups its needs."))
    if not title:
        errors["title"] = _("Give the group a title.")
    needs = list(Need.objects.select_for_update().filter(department=department, pk__in=need_ids or [], group=None))
    if not needs:
        errors["needs"] = _("Choose at least one need that is not in a group yet.")
    if errors:
        raise ValidationError(errors)
    group = NeedGroup.objects.create(department=department, title=title[:120], created_by=by)
    Need.objects.filter(pk__in=[n.pk for n in needs]).update(group=group)
    return group


def _lock_group(group: NeedGroup) -> NeedGroup:
    return NeedGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def group_forward(*, group: NeedGroup, by: Employee) -> NeedGroup:
    """The ambassador sends the group to L&D: once; it counts as a NEED activity for them."""
    group = _lock_group(group)
    if not is_ambassador_for(by, group.department_id):
        raise ValidationError(_("Only the department's ambassador forwards its needs."))
    if group.forwarded_at is not None:
        raise ValidationError(_("This group has been forwarded already."))
    group.forwarded_at, group.forwarded_by = timezone.now(), by
    group.save(update_fields=["forwarded_at", "forwarded_by", "updated_at"])
    activity_record(
        employee_id=by.pk, kind=ActivityKind.NEED, source=f"needgroup:{group.pk}", subject="", label=group.title
    )
    return group


@transaction.atomic
def group_decide(*, group: NeedGroup, by: Employee, outcome: str, item=None, note: str = "") -> NeedGroup:
    """L&D says what became of a forwarded group: a catalog item (which one), a survey topic, or
    declined (with the reason)."""
    group = _lock_group(group)
    note = (note or "").strip()
    errors = {}
    if group.forwarded_at is None:
        raise ValidationError(_("This group has not been forwarded to L&D."))
    if group.outcome != NeedGroup.Outcome.OPEN:
        raise ValidationError(_("L&D has already decided on this group."))
    if outcome not in (NeedGroup.Outcome.CATALOG, NeedGroup.Outcome.SURVEY, NeedGroup.Outcome.DECLINED):
        errors["outcome"] = _("Choose what became of it.")
    elif outcome == NeedGroup.Outcome.CATALOG and item is None:
        errors["item"] = _("Choose the catalog item it became.")
    elif outcome == NeedGroup.Outcome.DECLINED and not note:
        errors["note"] = _("Give the reason for declining.")
    if len(note) > 300:
        errors["note"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    group.outcome, group.note, group.decided_by, group.decided_at = outcome, note, by, timezone.now()
    group.item = item if outcome == NeedGroup.Outcome.CATALOG else None
    group.save()
    people = set(
        Employee.objects.filter(pk__in=Need.objects.filter(group=group).values("author_id"), active=True).values_list(
            "pk", "locale"
        )
    )
    if group.forwarded_by_id:
        people |= {(group.forwarded_by_id, Employee.objects.get(pk=group.forwarded_by_id).locale)}
    title = group.title

    def compose():
        return (
            _("What became of a learning need"),
            _("L&D has answered “%(title)s”: %(outcome)s.") % {"title": literal(title), "outcome": outcome_text(group)},
        )

    notify_each_language(
        key=f"engagement.needgroup:{group.pk}",
        people=sorted(people),
        compose=compose,
        link=reverse("engagement:department", args=[group.department_id]),
        category="system",
    )
    return group


def outcome_text(group: NeedGroup) -> str:
    """What became of a group, in words in the active language."""
    if group.forwarded_at is None:
        return _("with the ambassador")
    if group.outcome == NeedGroup.Outcome.CATALOG:
        return _("it became the catalog item “%(title)s”") % {"title": group.item.title if group.item else "–"}
    if group.outcome == NeedGroup.Outcome.SURVEY:
        return _("it became a survey topic")
    if group.outcome == NeedGroup.Outcome.DECLINED:
        return _("declined: %(reason)s") % {"reason": group.note}
    return _("forwarded to L&D, waiting for an answer")
