"""Each person's data: everything the platform holds about someone (for "download my data"), and
erasure, on request or a configurable time after someone leaves.

The parts live in their apps: each registers a `PersonalData` (people.registry) that collects its
rows and erases its own free text. What erasure keeps, and why:
- the employee record, nameless (name, e-mail, HRIS key, manager, hire date, sign-in subject
  replaced or removed), so the ledger's amounts, enrolment counts and survey response counts stay
  right for the books and the monitoring;
- anonymous survey answers (they were never linked to the person); named ones are removed;
- the audit trail: its entries name people by id only, but a reason or a change is sometimes text
  someone typed ("extra budget for Jan Jansen"); erasure replaces the traces there too, through
  the one update the append-only trigger allows (people migration 0015, `erasure_scrub` below):
  inside the erasure's transaction, only to values that carry the marker. Goal transitions and
  engagement's activity ledger are append-only the same way and scrubbed the same way.
The account is deleted (sessions end with it). Last, every text column of every table is swept
for the name, e-mail address and HRIS key (a notice to a manager, a CSV upload, an API call's path)
and each is replaced. The HRIS key is remembered as a keyed hash only, so a later sync that still
lists the leaver does not bring their data back.
"""

import hashlib
import hmac
import re
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import acting_as, actor_names, audit_record
from .models import AuditAction, AuditEntry, EducationLevel, Employee, ErasedKey
from .registry import registry

ERASED = "[erased]"


def erased_key_hash(external_id: str) -> str:
    key = (getattr(settings, "PRIVACY_HASH_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(key, f"hris-key:{external_id}".encode(), hashlib.sha256).hexdigest()


def erased_keys_among(external_ids) -> set[str]:
    """Which of these HRIS keys belong to people erased before (one query)."""
    by_hash = {erased_key_hash(k): k for k in external_ids if k}
    if not by_hash:
        return set()
    found = ErasedKey.objects.filter(key_hash__in=list(by_hash)).values_list("key_hash", flat=True)
    return {by_hash[h] for h in found}


# --- download my data --------------------------------------------------------------------------


def _profile(employee: Employee) -> list[dict]:
    levels = dict(EducationLevel.choices)
    row = {
        _("First name"): employee.first_name,
        _("Last name"): employee.last_name,
        _("E-mail address"): employee.email,
        _("HRIS key"): employee.external_id or "",
        _("Department"): str(employee.department or ""),
        _("Job group"): str(employee.job_group or ""),
        _("Manager"): employee.manager.full_name if employee.manager else "",
        _("Education level"): str(levels.get(employee.education_level, employee.education_level)),
        _("FTE"): employee.fte,
        _("Hired on"): employee.hired_on or "",
        _("Language"): employee.locale,
        _("Active"): employee.active,
        _("Left on"): employee.deactivated_at or "",
    }
    user = employee.user
    if user is not None:
        row[_("Username")] = user.username
        row[_("Signed in last")] = user.last_login or ""
        row[_("Signed in with the identity provider")] = bool(employee.oidc_subject)
    return [row]


def _audit_rows(employee: Employee) -> list[dict]:
    about = Q(subject_id=employee.pk)
    if employee.user_id:
        about |= Q(actor_id=employee.user_id)
    labels = dict(AuditAction.choices)
    entries = actor_names(AuditEntry.objects.filter(about).select_related("actor", "subject").order_by("-at", "-pk"))
    return [
        {
            _("When"): e.at,
            _("Who"): e.actor_name,
            _("What"): str(labels.get(e.action, e.action)),
            _("Object"): f"{e.object_type}:{e.object_id}".rstrip(":"),
            _("Change"): e.change_text,
            _("Reason"): e.reason,
        }
        for e in entries
    ]


def personal_data(*, employee: Employee) -> list[dict]:
    """Every part, in order: [{"key", "title", "rows"}], rows as lists of dicts of plain values."""
    employee = Employee.objects.select_related("department", "job_group", "manager", "user").get(pk=employee.pk)
    parts = [{"key": "profile", "title": _("Profile"), "rows": _profile(employee)}]
    for part in registry.personal_data:
        parts.append({"key": part.key, "title": str(part.title), "rows": part.collect(employee)})
    parts.append({"key": "audit", "title": _("Audit entries about you"), "rows": _audit_rows(employee)})
    return parts


def personal_data_export(*, employee: Employee, by, fmt: str) -> list[dict]:
    """The same, recorded in the audit trail (who downloaded whose data, in which form)."""
    with transaction.atomic():
        audit_record(
            action=AuditAction.DATA_EXPORTED,
            obj=employee,
            subject=employee,
            changes={"format": fmt, "on_behalf": by is not None and by.pk != employee.user_id},
            by=by,
        )
    return personal_data(employee=employee)


# --- erasure -----------------------------------------------------------------------------------


def _traces(employee: Employee) -> list[str]:
    """What must be found nowhere afterwards: the name, the e-mail address, the HRIS key (and the
    account's own e-mail, and its username when it is an identifier such as `sso-12` or
    `j.devries`). A username that is a plain word (`manager`, `hanna`) is not swept: replacing
    every `manager` in every table would break what is not the person's (content types, texts)."""
    values = {employee.full_name, employee.email, employee.external_id or ""}
    if employee.user is not None:
        values.add(employee.user.email)
        if not employee.user.username.isalpha():
            values.add(employee.user.username)
    return sorted((v for v in values if v and len(v) >= 3), key=len, reverse=True)


def _text_fields(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.JSONField) and not field.primary_key:
            yield field


def sweep(traces: list[str]) -> int:
    """Replace each trace, in any case, in every text column of every table (the erased keys
    excepted: they hold hashes only). One query per column to find rows, one per row changed.
    Returns the number of values replaced. Runs inside the erasure's transaction."""
    if not traces:
        return 0
    # Whole values only: the key E12 is not replaced inside E123, nor sso-1 inside sso-10.
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in traces) + r")(?!\w)", re.IGNORECASE)
    changed = 0
    with erasure_scrub():
        for model in apps.get_models(include_auto_created=True):
            if model is ErasedKey or not model._meta.managed or model._meta.proxy:
                continue
            changed += _sweep_model(model, traces, pattern)
    return changed


@contextmanager
def erasure_scrub():
    """Let the append-only triggers (the audit trail, goal transitions, the activity ledger) pass
    the erasure's scrubbing (people migration 0015): a setting local to this transaction, cleared
    again as soon as the sweep is done. Even then a trigger refuses a change of any column whose
    new value does not carry the marker: ids, dates and amounts never change."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("append-only rows are scrubbed only inside the erasure's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('leerborg.erasure', 'scrub', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('leerborg.erasure', '', true)")


def _sweep_model(model, traces, pattern) -> int:
    changed = 0
    for field in _text_fields(model):
        column = field.attname
        if isinstance(field, models.JSONField):
            queryset = model._base_manager.annotate(_text=Cast(column, TextField()))
            lookup = "_text"
        else:
            queryset, lookup = model._base_manager.all(), column
        condition = Q()
        for trace in traces:
            condition |= Q(**{f"{lookup}__icontains": trace})
        for pk, value in queryset.filter(condition).values_list("pk", column):
            replaced = _replaced(value, pattern)
            if replaced != value:  # the search finds E12 in E123 too; only whole values are replaced
                model._base_manager.filter(pk=pk).update(**{column: replaced})
                changed += 1
    return changed


def _replaced(value, pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {_replaced(k, pattern): _replaced(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, pattern) for v in value]
    return value


@transaction.atomic
def person_erase(*, employee: Employee, by=None, reason: str = "") -> bool:
    """Erase a person's personal data (see the module's note). False when already erased."""
    from .services import reporting_lines_refresh

    locked = Employee.objects.select_for_update(of=("self",)).select_related("user").get(pk=employee.pk)
    if locked.erased_at is not None:
        return False
    if by is not None and getattr(by, "pk", None) is not None and by.pk == locked.user_id:
        raise ValueError("nobody erases themself: L&D staff do, on request")
    traces = _traces(locked)
    for part in registry.personal_data:
        if part.erase is not None:
            part.erase(locked)
    if locked.external_id:
        ErasedKey.objects.get_or_create(key_hash=erased_key_hash(locked.external_id))
    user = locked.user
    now = timezone.now()
    Employee.objects.filter(pk=locked.pk).update(
        first_name=_ERASED_FIRST,
        last_name=f"#{locked.pk}",
        email=f"erased-{locked.pk}@erased.invalid",
        external_id=None,
        manager=None,
        hired_on=None,
        oidc_subject=None,
        user=None,
        active=False,
        deactivated_at=locked.deactivated_at or now,
        erased_at=now,
        updated_at=now,
    )
    reporting_lines_refresh(under=[locked.pk])
    if user is not None:
        _forget_account(user)
    sweep(traces)
    audit_record(
        action=AuditAction.PERSON_ERASED,
        object_type="people.employee",
        object_id=locked.pk,
        subject=locked.pk,
        reason=reason,
        by=by,
    )
    employee.refresh_from_db()
    return True


# Stored text, the same in every language (a record is not translated when read).
_ERASED_FIRST = "Erased"


def _forget_account(user) -> None:
    """Delete the account: its sessions end at once (a session whose user no longer exists is
    anonymous on its next request), and its sign-in locks go."""
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__iexact=user.username).delete()
    get_user_model().objects.filter(pk=user.pk).delete()


def leavers_due(*, now=None):
    """People who left more than PRIVACY_ERASE_AFTER_DAYS ago and are not erased yet."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PRIVACY_ERASE_AFTER_DAYS)
    return Employee.objects.filter(active=False, erased_at=None, deactivated_at__lt=cutoff)


def leavers_erase(*, now=None) -> int:
    """Erase everyone due, each in their own transaction (one failure does not keep the rest)."""
    erased = 0
    with acting_as("automatic erasure"):
        for pk in list(leavers_due(now=now).values_list("pk", flat=True)):
            employee = Employee.objects.filter(pk=pk).first()
            if employee is not None and person_erase(employee=employee):
                erased += 1
    return erased


def model_rows(queryset, fields: list[str], extra: dict | None = None) -> list[dict]:
    """Rows for a personal-data part: each record's fields under their (translated) names, choices
    as their labels, relations as their names, other values as they are (dates, numbers: JSON
    writes them as ISO text and numbers, the page as the reader's language writes them); `extra`
    maps a title to a function of the record."""
    model = queryset.model
    rows = []
    for obj in queryset:
        row = {}
        for name in fields:
            field = model._meta.get_field(name)
            title = str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]
            if field.choices:
                value = getattr(obj, f"get_{name}_display")()
            elif field.is_relation:
                related = getattr(obj, name)
                value = str(related) if related is not None else ""
            else:
                value = getattr(obj, name)
            row[title] = "" if value is None else value
        for title, func in (extra or {}).items():
            value = func(obj)
            row[str(title)] = "" if value is None else value
        rows.append(row)
    return rows


class Money(Decimal):
    """An amount in euros in a personal-data row: JSON writes the number, the page `€ 1.250,00`."""
