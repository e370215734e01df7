"""Every write to departments, job groups and employees goes through here, validated the same way
for forms, the admin, the API and imports."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from .models import EMPLOYEE_FIELDS, Department, DepartmentClosure, Employee, JobGroup
from .reporting import MAX_UNDER, wanted_sql
from .selectors import DepartmentTree
from .signals import RELEVANT_FIELDS, employees_changed

# Serialises changes to the department tree (pg_advisory_xact_lock key), so two transactions that
# move departments cannot each write the closure rows from a tree without the other's move.
TREE_LOCK_KEY = 0x1EE7_7BEE
# The same for the reporting lines: two manager changes cannot each write lines from a chain
# without the other's change (nor together make a loop that each check alone would refuse).
LINES_LOCK_KEY = 0x1EE7_7BEF
WRITABLE = frozenset({*EMPLOYEE_FIELDS, "user"})


def _save(instance, changed=None):
    """Validate and save. With `changed` (field names), only those fields are validated: a change
    never fails on a value it does not touch (a stored address that an older rule allowed)."""
    exclude = None
    if changed is not None:
        exclude = [f.name for f in instance._meta.concrete_fields if f.name not in changed]
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def _apply(instance, fields: dict) -> set[str]:
    """Set the fields on the instance; the names of those whose value changed."""
    changed = {name for name, value in fields.items() if getattr(instance, name) != value}
    for name in changed:
        setattr(instance, name, fields[name])
    return changed


def _lock_tree(key=TREE_LOCK_KEY):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def reporting_lines_refresh(*, under: Iterable[int] | None = None) -> dict[str, int]:
    """Bring the reporting-line table in line with the managers, for the given employees and
    everyone below them (after they were created or given another manager) or for everyone. Two
    statements in SQL, whatever the size of the organisation; writes only the rows that differ and
    returns how many were added and removed. Every write path that creates employees or changes a
    manager calls it: the services below, the HRIS bulk sync (and so SCIM's and the CSV import's
    employees), the demo. Deleting an employee removes their rows by cascade."""
    _lock_tree(LINES_LOCK_KEY)
    under = None if under is None else sorted({pk for pk in under if pk is not None})
    if under is not None and len(under) > MAX_UNDER:
        under = None
    with_clause, params = wanted_sql(under)
    table = "people_reportingline"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""{with_clause} DELETE FROM {table} WHERE member_id IN (SELECT id FROM sub) AND NOT EXISTS (
                SELECT 1 FROM wanted w WHERE w.manager_id = {table}.manager_id
                AND w.member_id = {table}.member_id AND w.depth = {table}.depth)""",  # noqa: S608 (constants)
            params,
        )
        removed = _rowcount(cursor)
        cursor.execute(
            f"""{with_clause} INSERT INTO {table} (manager_id, member_id, depth)
                SELECT w.manager_id, w.member_id, w.depth FROM wanted w WHERE NOT EXISTS (
                SELECT 1 FROM {table} r WHERE r.manager_id = w.manager_id AND r.member_id = w.member_id)""",  # noqa: S608
            params,
        )
        added = _rowcount(cursor)
    return {"added": added, "removed": removed}


def _rowcount(cursor) -> int:
    """Rows the last statement wrote. Python's sqlite3 (before 3.12) reports -1 for a statement that
    starts with WITH; SQLite itself still knows."""
    if cursor.rowcount >= 0:
        return cursor.rowcount
    cursor.execute("SELECT changes()")
    return cursor.fetchone()[0]


@transaction.atomic
def department_tree_refresh(*, under: Iterable[int] | None = None) -> dict[str, int]:
    """Bring the closure table in line with the department tree, for the subtrees of the given
    departments (after they were created or moved) or for the whole tree. Writes only the rows
    that differ; returns how many were added and removed. Every write path that creates or moves
    departments calls it: the services below, the HRIS bulk sync (and so the CSV import), the
    demo data. Deleting a department removes its rows by cascade."""
    _lock_tree()
    tree = DepartmentTree.load()
    under = None if under is None else {pk for pk in under if pk is not None}
    wanted = tree.closure(under)
    stored_qs = DepartmentClosure.objects.all()
    if under is not None:
        stored_qs = stored_qs.filter(descendant_id__in={d for _a, d, _depth in wanted} | under)
    rows = stored_qs.values_list("pk", "ancestor_id", "descendant_id", "depth")
    stored = {(a, d, depth): pk for pk, a, d, depth in rows}
    extra = [pk for row, pk in stored.items() if row not in wanted]
    missing = wanted - stored.keys()
    for start in range(0, len(extra), 2000):
        DepartmentClosure.objects.filter(pk__in=extra[start : start + 2000]).delete()
    DepartmentClosure.objects.bulk_create(
        [DepartmentClosure(ancestor_id=a, descendant_id=d, depth=depth) for a, d, depth in missing], batch_size=2000
    )
    return {"added": len(missing), "removed": len(extra)}


@transaction.atomic
def department_create(*, name: str, parent: Department | None = None, external_id: str | None = None) -> Department:
    department = _save(Department(name=name, parent=parent, external_id=external_id or None))
    department_tree_refresh(under=[department.pk])
    return department


@transaction.atomic
def department_update(*, department: Department, **fields) -> Department:
    _lock_tree()  # before the loop check, so two moves cannot each pass it and make a loop together
    stored_parent = Department.objects.filter(pk=department.pk).values_list("parent_id", flat=True).order_by().first()
    _save(department, _apply(department, fields))
    if department.parent_id != stored_parent:
        department_tree_refresh(under=[department.pk])
    return department


@transaction.atomic
def department_delete(*, department: Department) -> None:
    """Delete a department; its employees are left without one first (employees_changed is sent).
    A department with sub-departments or other records pointing at it stays (ValidationError)."""
    for employee in Employee.objects.filter(department=department):
        employee_update(employee=employee, department=None)
    try:
        with transaction.atomic():
            department.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("%(name)s is still in use (sub-departments or other records).") % {"name": department}
        ) from exc


@transaction.atomic
def job_group_create(*, name: str, external_id: str | None = None) -> JobGroup:
    return _save(JobGroup(name=name, external_id=external_id or None))


@transaction.atomic
def job_group_update(*, job_group: JobGroup, **fields) -> JobGroup:
    return _save(job_group, _apply(job_group, fields))


@transaction.atomic
def job_group_delete(*, job_group: JobGroup) -> None:
    """Delete a job group no employee or other record uses (else a ValidationError)."""
    try:
        with transaction.atomic():
            job_group.delete()
    except ProtectedError as exc:
        raise ValidationError(_("%(name)s is still in use.") % {"name": job_group}) from exc


def _known(fields: dict) -> None:
    unknown = set(fields) - WRITABLE
    if unknown:
        raise TypeError(f"unknown employee fields: {sorted(unknown)}")


@transaction.atomic
def employee_create(*, first_name: str, last_name: str, email: str, **fields) -> Employee:
    _known(fields)
    employee = _save(Employee(first_name=first_name, last_name=last_name, email=email, **fields))
    reporting_lines_refresh(under=[employee.pk])
    employees_changed.send(sender=Employee, created={employee.pk}, updated=set(), deactivated=set())
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, **fields) -> Employee:
    """Change what differs; only the changed fields are validated. employees_changed is sent when
    something budgets and scopes depend on changed (RELEVANT_FIELDS)."""
    _known(fields)
    was_active = employee.active
    changed = _apply(employee, fields)
    if not changed:
        return employee
    if "manager" in changed:
        _lock_tree(LINES_LOCK_KEY)  # before the loop check in _save: see LINES_LOCK_KEY
    _save(employee, changed)
    if "manager" in changed:
        reporting_lines_refresh(under=[employee.pk])
    relevant = changed & RELEVANT_FIELDS
    if relevant:
        deactivated = {employee.pk} if was_active and not employee.active else set()
        if deactivated:
            _deactivated(employee.pk)
        employees_changed.send(sender=Employee, created=set(), updated={employee.pk}, deactivated=deactivated)
    return employee


def _deactivated(employee_id: int) -> None:
    from .audit import audit_record

    audit_record(
        action="employee.deactivated",
        object_type="people.employee",
        object_id=employee_id,
        subject=employee_id,
        changes={"active": [True, False]},
    )


@transaction.atomic
def employee_deactivate(*, employee: Employee) -> bool:
    """Deactivate, never delete: history stays. Returns False when there was nothing to do."""
    changed = Employee.objects.filter(pk=employee.pk, active=True).update(active=False)
    employee.active = False
    if changed:
        _deactivated(employee.pk)
        employees_changed.send(sender=Employee, created=set(), updated={employee.pk}, deactivated={employee.pk})
    return bool(changed)


@transaction.atomic
def employee_set_locale(*, employee: Employee, locale: str) -> Employee:
    return employee_update(employee=employee, locale=locale)


@transaction.atomic
def user_rights_set(*, user, by, is_staff: bool, is_superuser: bool, groups=(), permissions=()) -> list:
    """Give `user` exactly these rights (staff, superuser, groups, permissions), as administrator
    `by`, and record each right given or taken (RightsGrant). Only an administrator (superuser) may.
    Returns the grants recorded."""
    from django.contrib.auth import get_user_model

    from .models import RightsGrant

    if by is None or not (by.is_active and by.is_superuser):
        raise PermissionDenied(_("Only administrators grant rights."))
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    grants = []

    def record(right, name, granted):
        grants.append(RightsGrant(user=locked, by=by, right=right, name=name, granted=granted))

    for right, field, wanted in (
        (RightsGrant.Right.STAFF, "is_staff", bool(is_staff)),
        (RightsGrant.Right.SUPERUSER, "is_superuser", bool(is_superuser)),
    ):
        if getattr(locked, field) != wanted:
            setattr(locked, field, wanted)
            record(right, "", wanted)
    if grants:
        locked.save(update_fields=["is_staff", "is_superuser"])
    for right, relation, wanted, label in (
        (RightsGrant.Right.GROUP, locked.groups, set(groups), lambda g: g.name),
        (
            RightsGrant.Right.PERMISSION,
            locked.user_permissions,
            set(permissions),
            lambda p: f"{p.content_type.app_label}.{p.codename}",
        ),
    ):
        current = set(relation.all())
        for obj in sorted(wanted - current, key=label):
            record(right, label(obj), True)
        for obj in sorted(current - wanted, key=label):
            record(right, label(obj), False)
        if wanted != current:
            relation.set(wanted)
    RightsGrant.objects.bulk_create(grants)
    if grants:
        from .audit import audit_record, employee_of

        audit_record(
            action="rights.changed",
            obj=locked,
            subject=employee_of(locked),
            changes={
                "added": [f"{g.right}:{g.name}".rstrip(":") for g in grants if g.granted],
                "removed": [f"{g.right}:{g.name}".rstrip(":") for g in grants if not g.granted],
            },
            by=by,
        )
    user.is_staff, user.is_superuser = locked.is_staff, locked.is_superuser
    return grants
