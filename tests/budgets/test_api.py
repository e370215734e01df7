"""/api/v1/budgets/ for L&D staff and reporting clients, /api/v1/budgets/me/ for the signed-in employee."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from budgets.services import budget_allocate
from catalog.signals import enrolment_approving

pytestmark = pytest.mark.django_db


@dataclass
class ApiPrincipal:
    """What the HRIS app's token authentication puts on request.user."""

    api_scopes: set = field(default_factory=set)
    is_authenticated: bool = True
    is_active: bool = True
    pk: int = 0


@pytest.fixture
def budgets(personas, policy, time_machine):
    time_machine.move_to("2026-05-01 10:00")
    budget_allocate()


def api(principal):
    client = APIClient()
    client.force_authenticate(principal)
    return client


def test_reporting_scope_reads_every_budget(budgets, personas):
    response = api(ApiPrincipal({"reporting:read"})).get(reverse("api:budget-list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 7
    mine = next(r for r in rows if r["employee"] == personas.employee.pk)
    assert mine["available"] == "1000.00"
    assert mine["period_start"] == "2026-01-01"
    assert mine["department"] == "Customer Service"
    assert mine["job_group"] == "Agents"


@pytest.mark.parametrize("scopes", [set(), {"hris:write"}])
def test_other_scopes_are_refused(budgets, scopes):
    assert api(ApiPrincipal(scopes)).get(reverse("api:budget-list")).status_code == 403
    assert api(ApiPrincipal(scopes)).get(reverse("api:budget-me")).status_code == 403


def test_list_filters_by_period_and_hris_key_and_rejects_a_bad_date(budgets, personas):
    client = api(ApiPrincipal({"reporting:read"}))
    url = reverse("api:budget-list")
    assert len(client.get(url, {"on": "2025-06-01"}).json()["results"]) == 0
    assert len(client.get(url, {"on": "2026-06-01"}).json()["results"]) == 7
    rows = client.get(url, {"employee_external_id": personas.employee.external_id}).json()["results"]
    assert [r["employee"] for r in rows] == [personas.employee.pk]
    empty = client.get(url, {"on": ""})  # found by schemathesis: an empty date was taken as no filter
    assert empty.status_code == 400
    assert "on" in empty.json()
    bad = client.get(url, {"on": "next tuesday"})
    assert bad.status_code == 400
    assert "on" in bad.json()
    nul = client.get(url, {"employee_external_id": "E\x001"})  # no database text can hold it: a 400, not a 500
    assert nul.status_code == 400
    assert "employee_external_id" in nul.json()


def test_an_employee_and_a_manager_cannot_list_budgets(budgets, personas):
    for person in (personas.employee, personas.manager):
        client = APIClient()
        client.force_login(person.user)
        assert client.get(reverse("api:budget-list")).status_code == 403


def test_own_budget_with_history(budgets, personas, enrolment):
    enrolment_approving.send(sender=None, enrolment=enrolment(personas.employee, "125.50", title="Scrum"), by=None)
    client = APIClient()
    client.force_login(personas.employee.user)
    data = client.get(reverse("api:budget-me")).json()
    assert data["employee"] == personas.employee.pk
    assert (data["allocated"], data["committed"], data["available"]) == ("1000.00", "125.50", "874.50")
    assert [(h["kind"], h["amount"], h["description"]) for h in data["history"]] == [
        ("allocation", "1000.00", "Allocation for the period"),
        ("commitment", "-125.50", "Scrum"),
    ]
    assert Decimal(data["hours_allocated"]) == Decimal("40")


def test_own_budget_is_404_when_there_is_none(personas):
    client = APIClient()
    client.force_login(personas.employee.user)
    response = client.get(reverse("api:budget-me"))
    assert response.status_code == 404
    assert "no budget" in response.json()["detail"]
