"""Issue 13: the request form warns (it does not refuse) when the requests waiting for a decision
plus this one come to more than the available budget; the figure is the budget page's."""

from datetime import date
from decimal import Decimal

import pytest

from budgets.models import BudgetPolicy
from budgets.services import budget_allocate
from catalog.services import enrolment_request
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(personas, threshold):
    BudgetPolicy.objects.create(name="Iedereen", amount=Decimal("1000.00"), period_start=date(2020, 1, 1))
    budget_allocate()


def _page(client_for, employee, item, language):
    client = client_for(employee)
    client.cookies["django_language"] = language
    return client.get(f"/catalog/items/{item.pk}/request/")


def test_the_form_warns_when_waiting_requests_and_this_one_exceed_the_budget(client_for, personas, budget):
    employee = personas.employee
    enrolment_request(employee=employee, item=ItemFactory(cost=Decimal("800.00")), motivation="Nodig")
    item = ItemFactory(cost=Decimal("300.00"))
    page = _page(client_for, employee, item, "nl")
    text = page.content.decode()
    assert "alert-warning" in text
    assert "deze (€ 300,00) meegerekend, komen op € 1.100,00" in text
    assert "€ 1.000,00" in text
    english = _page(client_for, employee, item, "en").content.decode()
    assert "this one (€300.00) included, come to €1,100.00: more than the €1,000.00 you have available" in english
    # A warning, not a refusal: the request is sent.
    response = client_for(employee).post(f"/catalog/items/{item.pk}/request/", {"motivation": "Toch graag"})
    assert response.status_code == 302


def test_no_warning_within_the_budget(client_for, personas, budget):
    employee = personas.employee
    enrolment_request(employee=employee, item=ItemFactory(cost=Decimal("600.00")), motivation="Nodig")
    page = _page(client_for, employee, ItemFactory(cost=Decimal("400.00")), "en")
    assert "alert-warning" not in page.content.decode()


def test_an_external_request_over_the_budget_is_sent_with_a_warning(client_for, personas, budget):
    employee = personas.employee
    client = client_for(employee)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/catalog/external/",
        {"title": "MBA", "provider": "School", "cost": "1200.00", "motivation": "Groei"},
        follow=True,
    )
    assert response.status_code == 200
    assert "come to €1,200.00: more than the €1,000.00 you have available" in response.content.decode()
