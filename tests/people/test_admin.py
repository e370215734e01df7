"""The admin applies the same rules and opens only to L&D staff."""

import pytest
from django.urls import reverse

from people.models import Employee


@pytest.mark.django_db
def test_admin_refuses_self_management_with_a_clear_error(client, hr, employee):
    client.force_login(hr.user)
    url = reverse("admin:people_employee_change", args=[employee.pk])
    data = {
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "external_id": employee.external_id,
        "department": employee.department_id,
        "job_group": employee.job_group_id,
        "manager": employee.pk,
        "education_level": "bachelor",
        "fte": "1.00",
        "locale": "en",
        "active": "on",
        "user": employee.user_id,
    }
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
