"""HRIS writes that are not the bulk sync: API clients, single-record REST writes, CSV mapping."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people import services as people_services
from people.audit import audit_counts, audit_record
from people.models import Department, Employee, JobGroup

from .models import ApiClient, CsvMapping, Scope


class Conflict(Exception):
    """A write that clashes with existing data (a duplicate HRIS key or e-mail address)."""

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors


@transaction.atomic
def api_client_create(*, name: str, scopes: list[str], expires_at=None, created_by=None) -> tuple[ApiClient, str]:
    """A new client and its token; the token is returned once and only its hash is kept."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationError({"scopes": f"unknown scopes: {sorted(unknown)}"})
    token = ApiClient.new_token()
    client = ApiClient(name=name, scopes=sorted(set(scopes)), expires_at=expires_at, created_by=created_by)
    client.set_token(token)
    client.full_clean()
    client.save()
    audit_record(
        action="api_client.created",
        obj=client,
        changes={"name": client.name, "scopes": client.scopes, "expires_at": client.expires_at},
        by=created_by,
    )
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, by=None) -> bool:
    revoked = bool(ApiClient.objects.filter(pk=client.pk, revoked_at=None).update(revoked_at=timezone.now()))
    if revoked:
        audit_record(action="api_client.revoked", obj=client, changes={"name": client.name}, by=by)
    return revoked


def _conflicts(model, instance_pk, *, external_id=None, email=None) -> dict:
    errors = {}
    others = model.objects.exclude(pk=instance_pk) if instance_pk else model.objects.all()
    if external_id and others.filter(external_id=external_id).exists():
        errors["external_id"] = [_("Another record already has this HRIS key.")]
    if email and others.filter(email__iexact=email.strip()).exists():
        errors["email"] = [_("Another employee already uses this e-mail address.")]
    return errors


def _guarded(write):
    """Run a write; a duplicate found before or by the database becomes a Conflict."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as exc:
        raise Conflict({"detail": [_("Conflicts with existing data.")]}) from exc


def department_save(*, department: Department | None, data: dict) -> Department:
    if errors := _conflicts(Department, department and department.pk, external_id=data.get("external_id")):
        raise Conflict(errors)
    if department is None:
        return _guarded(lambda: people_services.department_create(**data))
    return _guarded(lambda: people_services.department_update(department=department, **data))


def job_group_save(*, job_group: JobGroup | None, data: dict) -> JobGroup:
    if errors := _conflicts(JobGroup, job_group and job_group.pk, external_id=data.get("external_id")):
        raise Conflict(errors)
    if job_group is None:
        return _guarded(lambda: people_services.job_group_create(**data))
    return _guarded(lambda: people_services.job_group_update(job_group=job_group, **data))


def employee_save(*, employee: Employee | None, data: dict) -> Employee:
    errors = _conflicts(
        Employee, employee and employee.pk, external_id=data.get("external_id"), email=data.get("email")
    )
    if errors:
        raise Conflict(errors)
    if employee is None:
        return _guarded(lambda: people_services.employee_create(**data))
    return _guarded(lambda: people_services.employee_update(employee=employee, **data))


def csv_mapping_key(user) -> str:
    return f"user:{user.pk}"


@transaction.atomic
def csv_mapping_save(*, columns: dict, header: list[str] | None = None, user=None) -> CsvMapping:
    """Remember a mapping for the organisation and for the person who made it (offered to them
    first next time). A target left "not in the file" is remembered for a file with this header."""
    saved = dict(columns)
    if header is not None:
        saved["_header"] = list(header)
    mapping = None
    for key in ("default", *([csv_mapping_key(user)] if user is not None else [])):
        mapping, _created = CsvMapping.objects.update_or_create(key=key, defaults={"columns": saved})
    return mapping


class CsvImportRefused(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@transaction.atomic
def csv_import_apply(*, record, mapping: dict, create_new: bool) -> dict:
    """Apply an uploaded file through the HRIS sync (its validation, its writes), all or nothing:
    a row that names a new department or job group is refused unless `create_new`."""
    from . import csvimport
    from .models import CsvImport
    from .sync import SyncRejected, hris_sync

    record = CsvImport.objects.select_for_update().get(pk=record.pk)
    if record.applied_at is not None:
        raise CsvImportRefused([{"row": None, "column": "", "code": "applied", "message": _("Already applied.")}])
    header, rows = csvimport.read_rows(record.content)
    plan = csvimport.build_payload(header, rows, mapping, record.mode, create_new=create_new)
    if plan.problems:
        _plan, _result, errors = csvimport.check(header, rows, mapping, record.mode, create_new=create_new)
        raise CsvImportRefused(errors)
    try:
        result = hris_sync(payload=plan.payload, dry_run=False)
    except SyncRejected as exc:
        raise CsvImportRefused(csvimport.describe_errors(exc.errors, mapping)) from None
    record.applied_at = timezone.now()
    record.result = result
    record.save(update_fields=["applied_at", "result"])
    audit_record(
        action="hris.csv_import",
        obj=record,
        changes={"mode": record.mode, **audit_counts(result)},
        by=record.uploaded_by,
    )
    return result


@transaction.atomic
def hris_records_prune(*, idempotency_days: int = 7, audit_days: int = 365) -> tuple[int, int]:
    """Forget idempotency keys after a week and audit entries after a year (both configurable)."""
    from datetime import timedelta

    from .models import ApiAuditEntry, IdempotencyRecord

    now = timezone.now()
    keys, _ = IdempotencyRecord.objects.filter(created_at__lt=now - timedelta(days=idempotency_days)).delete()
    audit, _ = ApiAuditEntry.objects.filter(created_at__lt=now - timedelta(days=audit_days)).delete()
    return keys, audit
