"""The org-chart rules: no manager loops, nobody manages themself, one e-mail per person in any case."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.forms import EmployeeForm
from people.models import Department, Employee
from people.services import department_update, employee_create, employee_update
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def test_employee_cannot_manage_themself():
    e = EmployeeFactory()
    with pytest.raises(ValidationError) as exc:
        employee_update(employee=e, manager=e)
    assert "cannot be their own manager" in str(exc.value.message_dict["manager"])
    e.refresh_from_db()
    assert e.manager_id is None


def test_manager_chain_cannot_loop_directly():
    a = EmployeeFactory()
    b = EmployeeFactory(manager=a)
    with pytest.raises(ValidationError) as exc:
        employee_update(employee=a, manager=b)
    assert "cannot loop" in str(exc.value.message_dict["manager"])


def test_manager_chain_cannot_loop_through_several_levels():
    a = EmployeeFactory()
    b = EmployeeFactory(manager=a)
    c = EmployeeFactory(manager=b)
    d = EmployeeFactory(manager=c)
    with pytest.raises(ValidationError):
        employee_update(employee=a, manager=d)
    a.refresh_from_db()
    assert a.manager_id is None
    # A change that does not close a loop is fine.
    employee_update(employee=d, manager=a)
    assert Employee.objects.get(pk=d.pk).manager_id == a.pk


@pytest.mark.parametrize("email", ["Zoe.deVries@Example.nl", "ZOE.DEVRIES@EXAMPLE.NL", " zoe.devries@example.nl"])
def test_email_is_unique_in_any_letter_case(email):
    employee_create(first_name="Zoë", last_name="de Vries", email="zoe.devries@example.nl")
    with pytest.raises(ValidationError) as exc:
        employee_create(first_name="Zoe", last_name="Vries", email=email)
    assert "already uses this e-mail" in str(exc.value)
    assert Employee.objects.count() == 1


def test_database_refuses_duplicate_email_even_past_validation():
    EmployeeFactory(email="a.b@example.nl")
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.create(first_name="X", last_name="Y", email="A.B@EXAMPLE.NL")


def test_database_refuses_fte_outside_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.create(first_name="X", last_name="Y", email="x@example.nl", fte=Decimal("1.60"))


@pytest.mark.parametrize("fte", ["0", "1.51", "-1"])
def test_fte_outside_range_is_a_validation_error(fte):
    with pytest.raises(ValidationError) as exc:
        employee_create(first_name="X", last_name="Y", email="x@example.nl", fte=Decimal(fte))
    assert "fte" in exc.value.message_dict


def test_department_tree_cannot_loop():
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)
    grandchild = DepartmentFactory(parent=child)
    with pytest.raises(ValidationError) as exc:
        department_update(department=root, parent=grandchild)
    assert "cannot loop" in str(exc.value.message_dict["parent"])
    with pytest.raises(ValidationError):
        department_update(department=root, parent=root)
    assert Department.objects.get(pk=root.pk).parent_id is None


def test_form_shows_loop_and_duplicate_errors_clearly():
    boss = EmployeeFactory(email="boss@example.nl")
    report = EmployeeFactory(manager=boss)
    data = {
        "first_name": boss.first_name,
        "last_name": boss.last_name,
        "email": "BOSS@example.nl",
        "department": boss.department_id,
        "job_group": boss.job_group_id,
        "manager": report.pk,
        "education_level": "master",
        "fte": "1.0",
        "locale": "nl",
        "active": "on",
    }
    form = EmployeeForm(data, instance=boss)
    assert not form.is_valid()
    assert "cannot loop" in " ".join(form.errors["manager"])
    other = EmployeeForm({**data, "manager": "", "email": report.email.upper()}, instance=boss)
    assert not other.is_valid()
    assert "already uses this e-mail" in str(other.errors)


def test_department_tree_with_headcounts_in_display_order_with_subtree_totals():
    from people.selectors import department_tree_with_headcounts

    root = DepartmentFactory(name="Org")
    zeta = DepartmentFactory(name="Zeta", parent=root)
    alpha = DepartmentFactory(name="alpha", parent=root)
    team = DepartmentFactory(name="Team", parent=zeta)
    for department, n in ((root, 1), (zeta, 2), (team, 3), (alpha, 4)):
        EmployeeFactory.create_batch(n, department=department)
    looped_a = DepartmentFactory(name="Loop A")
    looped_b = DepartmentFactory(name="Loop B", parent=looped_a)
    Department.objects.filter(pk=looped_a.pk).update(parent=looped_b)  # bad data, past the rules

    nodes = department_tree_with_headcounts()
    assert [(n.department.name, n.depth, n.headcount, n.total) for n in nodes] == [
        ("Org", 0, 1, 10),
        ("Zeta", 1, 2, 5),  # by name as stored: capitals first
        ("Team", 2, 3, 3),
        ("alpha", 1, 4, 4),
    ]
    assert [c.department.name for c in nodes[0].children] == ["Zeta", "alpha"]
