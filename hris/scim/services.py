"""SCIM's writes: Users and Groups created, replaced (PUT, and PATCH after it is applied to the
representation) and deleted, each through people.services, so employees_changed is sent for every
change and only the fields that changed are validated."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people import services as people_services
from people.models import Department, Employee

from ..models import ScimIdentity
from .errors import ScimError, bad
from .resources import group_fields_from, user_fields_from, users_queryset


def _user_conflicts(fields, identity, pk):
    others = Employee.objects.exclude(pk=pk) if pk else Employee.objects.all()
    if others.filter(email__iexact=fields["email"]).exists():
        raise ScimError(409, "Another user already has this e-mail address.", "uniqueness")
    if fields.get("external_id") and others.filter(external_id=fields["external_id"]).exists():
        raise ScimError(409, "Another user already has this employeeNumber.", "uniqueness")
    names = ScimIdentity.objects.exclude(employee_id=pk) if pk else ScimIdentity.objects.all()
    if names.filter(user_name__iexact=identity["user_name"]).exists():
        raise ScimError(409, "Another user already has this userName.", "uniqueness")


def _department_named(name: str | None) -> Department | None:
    """The department of that name (the first one), created when new."""
    if not name:
        return None
    department = Department.objects.filter(name__iexact=name).order_by("pk").first()
    return department or people_services.department_create(name=name[:200])


def _manager(manager_id: int | None, employee: Employee | None) -> Employee | None:
    if manager_id is None:
        return None
    if employee is not None and manager_id == employee.pk:
        raise bad("A user cannot be their own manager.")
    boss = users_queryset().filter(pk=manager_id).first()
    if boss is None:
        raise bad(f"Unknown manager {manager_id}.")
    return boss


@transaction.atomic
def user_save(*, employee: Employee | None, data: dict) -> Employee:
    """Create (employee None) or replace a User from its full representation."""
    fields, identity, department, manager_id = user_fields_from(data)
    _user_conflicts(fields, identity, employee and employee.pk)
    try:
        with transaction.atomic():
            fields["department"] = _department_named(department)
            fields["manager"] = _manager(manager_id, employee)
            if employee is None:
                employee = people_services.employee_create(**fields)
            else:
                employee = people_services.employee_update(employee=employee, **fields)
            ScimIdentity.objects.update_or_create(employee=employee, defaults=identity)
    except ValidationError as exc:
        raise bad("; ".join(exc.messages)) from exc
    except IntegrityError as exc:
        raise ScimError(409, "Conflicts with another user.", "uniqueness") from exc
    return employee


@transaction.atomic
def user_delete(*, employee: Employee, user_name: str) -> None:
    """SCIM deletes; we deactivate (history stays) and hide the User from SCIM."""
    people_services.employee_deactivate(employee=employee)
    ScimIdentity.objects.update_or_create(
        employee=employee, defaults={"deleted": True, "user_name": f"deleted-{employee.pk}-{user_name}"[:254]}
    )


@transaction.atomic
def group_save(*, department: Department | None, data: dict) -> Department:
    """Create (department None) or replace a Group: the department and who is in it."""
    name, external_id, member_ids = group_fields_from(data)
    found = set(users_queryset().filter(pk__in=member_ids).values_list("pk", flat=True))
    if member_ids - found:
        raise bad(f"Unknown members: {sorted(member_ids - found)}.")
    others = Department.objects.exclude(pk=department.pk) if department else Department.objects.all()
    if external_id and others.filter(external_id=external_id).exists():
        raise ScimError(409, "Another group already has this externalId.", "uniqueness")
    try:
        if department is None:
            department = people_services.department_create(name=name[:200], external_id=external_id)
        else:
            department = people_services.department_update(
                department=department, name=name[:200], external_id=external_id
            )
    except ValidationError as exc:
        raise bad("; ".join(exc.messages)) from exc
    current = set(Employee.objects.filter(department=department).values_list("pk", flat=True))
    for employee in Employee.objects.filter(pk__in=current - member_ids):
        people_services.employee_update(employee=employee, department=None)
    for employee in Employee.objects.filter(pk__in=member_ids - current):
        people_services.employee_update(employee=employee, department=department)
    return department


def group_delete(*, department: Department) -> None:
    try:
        people_services.department_delete(department=department)
    except ValidationError as exc:
        raise ScimError(409, "The department is still in use (sub-departments or other records).") from exc
