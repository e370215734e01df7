"""The admin applies the same rules and opens only to L&D staff."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import Employee


@pytest.mark.django_db
def test_admin_refuses_self_management_with_a_clear_error(client, hr, employee):
    client.force_login(hr.user)
    url = reverse("admin:people_employee_change", args=[employee.pk])
    data = _employee_form(employee, manager=employee.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot be their own manager" in response.content.decode()
    employee.refresh_from_db()
    assert employee.manager_id != employee.pk


@pytest.mark.django_db
def test_admin_cannot_delete_employees_only_deactivate(client, hr, employee):
    client.force_login(hr.user)
    response = client.post(
        reverse("admin:people_employee_changelist"), {"action": "deactivate", "_selected_action": [employee.pk]}
    )
    assert response.status_code == 302
    assert Employee.objects.get(pk=employee.pk).active is False
    assert client.get(reverse("admin:people_employee_delete", args=[employee.pk])).status_code == 403


def _employee_form(employee, **changes):
    data = {
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "external_id": employee.external_id,
        "department": employee.department_id,
        "job_group": employee.job_group_id,
        "manager": employee.manager_id or "",
        "education_level": employee.education_level,
        "fte": str(employee.fte),
        "locale": employee.locale,
        "active": "on",
        "user": employee.user_id or "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_edit_in_the_admin_reallocates_the_budget_like_any_other_write(client, hr, employee):
    """The admin saves through people.services, so employees_changed reaches budgets."""
    from datetime import date
    from decimal import Decimal

    from budgets.models import Budget, BudgetPolicy
    from budgets.services import budget_allocate

    BudgetPolicy.objects.create(name="All", amount=Decimal("1000.00"), period_start=date(2020, 1, 1))
    budget_allocate(employee_ids=[employee.pk])
    client.force_login(hr.user)
    url = reverse("admin:people_employee_change", args=[employee.pk])
    response = client.post(url, _employee_form(employee, fte="0.50"))
    assert response.status_code == 302, response.content.decode()[:2000]
    budget = Budget.objects.get(employee=employee)
    assert budget.basis_amount == Decimal("500.00")  # re-allocated pro rata from today


@pytest.mark.django_db
def test_a_rule_the_service_refuses_in_the_admin_is_an_error_message_and_nothing_changes(
    client, hr, employee, monkeypatch
):
    from people import services

    def refuse(**kwargs):
        raise ValidationError("The HRIS owns this record.")

    monkeypatch.setattr(services, "employee_update", refuse)
    client.force_login(hr.user)
    url = reverse("admin:people_employee_change", args=[employee.pk])
    response = client.post(url, _employee_form(employee, first_name="Changed"), follow=True)
    assert "The HRIS owns this record." in response.content.decode()
    assert Employee.objects.get(pk=employee.pk).first_name != "Changed"


@pytest.mark.django_db
def test_deleting_a_department_in_the_admin_goes_through_the_service(client, hr, org, monkeypatch):
    from people import services
    from people.models import Department

    closed = Department.objects.create(name="Closed down", parent=org["root"])
    calls, real = [], services.department_delete
    monkeypatch.setattr(services, "department_delete", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(hr.user)
    response = client.post(reverse("admin:people_department_delete", args=[closed.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert [c["department"].name for c in calls] == ["Closed down"]
    assert not Department.objects.filter(pk=closed.pk).exists()


@pytest.mark.django_db
def test_deleting_a_department_leaves_its_people_without_one_and_tells_budgets(org):
    from people.models import Department
    from people.services import department_delete
    from people.signals import employees_changed
    from tests.factories import EmployeeFactory

    closed = Department.objects.create(name="Closed down", parent=org["root"])
    member = EmployeeFactory(department=closed)
    heard = []

    def listen(sender, updated, **kwargs):
        heard.append(set(updated))

    employees_changed.connect(listen)
    try:
        department_delete(department=closed)
    finally:
        employees_changed.disconnect(listen)
    member.refresh_from_db()
    assert member.department_id is None
    assert heard == [{member.pk}]
    with pytest.raises(ValidationError):
        department_delete(department=org["root"])  # it has sub-departments
