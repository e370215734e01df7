"""Every write to departments, job groups and employees goes through here, validated the same way
for forms, the admin, the API and imports."""

from django.db import transaction

from .models import Department, Employee, JobGroup
from .signals import RELEVANT_FIELDS, employees_changed

EMPLOYEE_FIELDS = (
    "user",
    "external_id",
    "first_name",
    "last_name",
    "email",
    "department",
    "job_group",
    "manager",
    "education_level",
    "fte",
    "hired_on",
    "locale",
    "active",
)


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def department_create(*, name: str, parent: Department | None = None, external_id: str | None = None) -> Department:
    return _save(Department(name=name, parent=parent, external_id=external_id or None))


@transaction.atomic
def department_update(*, department: Department, **fields) -> Department:
    for name, value in fields.items():
        setattr(department, name, value)
    return _save(department)


@transaction.atomic
def job_group_create(*, name: str, external_id: str | None = None) -> JobGroup:
    return _save(JobGroup(name=name, external_id=external_id or None))


@transaction.atomic
def employee_create(*, first_name: str, last_name: str, email: str, **fields) -> Employee:
    unknown = set(fields) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"unknown employee fields: {sorted(unknown)}")
    employee = _save(Employee(first_name=first_name, last_name=last_name, email=email, **fields))
    employees_changed.send(sender=Employee, created={employee.pk}, updated=set(), deactivated=set())
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, **fields) -> Employee:
    unknown = set(fields) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"unknown employee fields: {sorted(unknown)}")
    relevant = {name for name, value in fields.items() if name in RELEVANT_FIELDS and getattr(employee, name) != value}
    for name, value in fields.items():
        setattr(employee, name, value)
    _save(employee)
    if relevant:
        deactivated = {employee.pk} if "active" in relevant and not employee.active else set()
        employees_changed.send(sender=Employee, created=set(), updated={employee.pk}, deactivated=deactivated)
    return employee


@transaction.atomic
def employee_deactivate(*, employee: Employee) -> bool:
    """Deactivate, never delete: history stays. Returns False when there was nothing to do."""
    changed = Employee.objects.filter(pk=employee.pk, active=True).update(active=False)
    employee.active = False
    if changed:
        employees_changed.send(sender=Employee, created=set(), updated={employee.pk}, deactivated={employee.pk})
    return bool(changed)


@transaction.atomic
def employee_set_locale(*, employee: Employee, locale: str) -> Employee:
    return employee_update(employee=employee, locale=locale)
