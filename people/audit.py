"""The audit trail: one append-only log of what changed money, rights or people (people.AuditEntry).

Services write it with `audit_record` inside their own transaction, so an entry exists exactly when
the change does. Who acted is the explicit `by` where the service has one, else the person or API
client of the current request (AuditContextMiddleware keeps it), else the background process
("system"). Entries name people by id, never by name or e-mail address: a person's name is read
from the live record when the entry is shown. A reason is typed text and may name someone; erasure
replaces that name (people.privacy.erasure_scrub, the one update the trigger allows).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from .models import AuditAction, AuditEntry, Employee

_request: ContextVar = ContextVar("leerborg_audit_request", default=None)
_label: ContextVar = ContextVar("leerborg_audit_label", default="")


class AuditContextMiddleware:
    """Keeps the request, for `audit_record` to know who acts, for as long as it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def acting_as(label: str):
    """A background process names itself (`manage.py people_erase_leavers`, a Celery task)."""
    token = _label.set(label[:120])
    try:
        yield
    finally:
        _label.reset(token)


def _current_actor():
    """(user or None, label) of whoever acts now."""
    request = _request.get()
    if request is not None:
        client = getattr(request, "hris_client", None)
        if client is not None:
            return None, f"API client #{client.pk}"[:120]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "pk", None) is not None:
            return user, ""
    return None, _label.get() or "system"


def _plain(value):
    """A JSON-safe value for the change record."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record(
    *,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    subject: Employee | int | None = None,
    changes: dict | None = None,
    reason: str = "",
    by=None,
) -> AuditEntry:
    """Append one entry. `obj` names the object (or give object_type and object_id); `subject` is
    the person the entry is about, if any; `changes` maps a field to its new value or to
    [old, new]; `by` the acting user when the service knows it."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    if by is not None and getattr(by, "pk", None) is not None:
        actor, label = by, ""
    else:
        actor, label = _current_actor()
    subject_id = subject.pk if isinstance(subject, Employee) else subject
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_label=label,
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id or "")[:64],
        subject_id=subject_id,
        changes=_plain(changes or {}),
        reason=(reason or "").strip(),
    )


def employee_of(user) -> int | None:
    """The employee id of an account, for entries about the person who holds it."""
    if user is None or getattr(user, "pk", None) is None:
        return None
    return Employee.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


# --- reading ---------------------------------------------------------------------------------


def audit_entries(*, who: str = "", action: str = "", obj: str = "", since=None, until=None, about=None):
    """The log, newest first, filtered: `who` matches the acting account's username or employee
    name, or the acting system; `obj` is `type` or `type:id`; `since`/`until` are dates; `about`
    an employee id. Names come in the same query (select_related)."""
    entries = AuditEntry.objects.select_related("actor", "subject").order_by("-at", "-pk")
    if who:
        people = Employee.objects.filter(
            Q(first_name__icontains=who) | Q(last_name__icontains=who) | Q(email__iexact=who)
        ).exclude(user=None)
        entries = entries.filter(
            Q(actor__username__icontains=who) | Q(actor_label__icontains=who) | Q(actor__in=people.values("user"))
        )
    if action:
        entries = entries.filter(action=action)
    if obj:
        kind, _, pk = obj.partition(":")
        entries = entries.filter(object_type=kind.strip().lower())
        if pk.strip():
            entries = entries.filter(object_id=pk.strip())
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    if about is not None:
        entries = entries.filter(subject_id=about)
    return entries


def actor_name(entry: AuditEntry) -> str:
    """Who acted, as people read it: the account's employee name (one query for the page, see
    `actor_names`), else its username, else the acting system."""
    if entry.actor_id is None:
        return entry.actor_label
    names = getattr(entry, "_actor_names", None) or {}
    if entry.actor_id in names:
        return names[entry.actor_id]
    return entry.actor.username if entry.actor is not None else f"#{entry.actor_id}"


def actor_names(entries) -> list:
    """Attach the acting people's names to a page of entries in one query."""
    entries = list(entries)
    ids = {e.actor_id for e in entries if e.actor_id}
    names = {}
    if ids:
        for user_id, first, last in Employee.objects.filter(user_id__in=ids).values_list(
            "user_id", "first_name", "last_name"
        ):
            names[user_id] = f"{first} {last}".strip()
    for entry in entries:
        entry._actor_names = names
        entry.actor_name = actor_name(entry)
        entry.change_text = change_text(entry.changes)
    return entries


def change_text(changes: dict) -> str:
    """The change as one line: `field: old → new` or `field: value`, in the stored order."""
    parts = []
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2 and key not in ("added", "removed", "scopes"):
            parts.append(f"{key}: {_show(value[0])} → {_show(value[1])}")
        else:
            parts.append(f"{key}: {_show(value)}")
    return "; ".join(parts)


def _show(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_show(v)}" for k, v in value.items())
    return str(value)


def field_changes(before, after, fields) -> dict:
    """{field: [old, new]} for the fields that differ between two versions of a record (`before`
    None for a new one: {field: new} for every field)."""
    changes = {}
    for name in fields:
        new = getattr(after, f"{name}_id", None) if _is_relation(after, name) else getattr(after, name, None)
        if before is None:
            changes[name] = new
            continue
        old = getattr(before, f"{name}_id", None) if _is_relation(before, name) else getattr(before, name, None)
        if old != new:
            changes[name] = [old, new]
    return changes


def _is_relation(instance, name: str) -> bool:
    try:
        return instance._meta.get_field(name).is_relation
    except Exception:
        return False


def record_fields(instance) -> list[str]:
    """The fields of a record an audit entry compares: every concrete field but the key and the
    timestamps."""
    return [
        f.name
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.name not in ("created_at", "updated_at")
    ]


def saved_version(instance):
    """The record as the database holds it now (None for a new one): the `before` of field_changes."""
    if instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def audit_counts(result) -> dict:
    """Only the numbers of a sync or import result (never the keys or names it may list)."""
    if isinstance(result, dict):
        kept = {}
        for key, value in result.items():
            inner = audit_counts(value)
            if inner not in ({}, None):
                kept[str(key)] = inner
        return kept
    if isinstance(result, bool | int | float):
        return result
    if isinstance(result, list | tuple):
        return len(result)
    return None
