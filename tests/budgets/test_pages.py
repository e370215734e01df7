"""The budget pages: what each person sees, the first view per period, the mid-period signal, the
L&D overview and its exports, adjustments and policies through forms."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Budget, BudgetPolicy, LedgerEntry
from budgets.services import budget_adjust, budget_allocate
from catalog.signals import enrolment_approving
from tests.exports import body
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def budgets(personas, policy, time_machine):
    time_machine.move_to("2026-03-02 10:00")
    budget_allocate()
    return {b.employee_id: b for b in Budget.objects.all()}


def test_my_budget_shows_the_figures_history_and_what_it_may_be_spent_on(client_for, employee, budgets, enrolment):
    policy = budgets[employee.pk].policy
    policy.spend_on = "Courses that fit your work"
    policy.save()
    enrolment_approving.send(sender=None, enrolment=enrolment(employee, "240.00", title="Excel gevorderd"), by=None)
    page = client_for(employee).get(reverse("budgets:mine")).content.decode()
    assert "€760.00" in page  # available
    assert "€240.00" in page  # committed
    assert "Excel gevorderd" in page
    assert "Courses that fit your work" in page
    assert "31 Dec 2026" in page


def test_history_links_to_the_catalog_enrolment_page(client_for, employee, budgets, enrolment):
    enr = enrolment(employee, "10.00", title="Linked course")
    enrolment_approving.send(sender=None, enrolment=enr, by=None)
    page = client_for(employee).get(reverse("budgets:mine")).content.decode()
    assert f'href="{reverse("catalog:enrolment_detail", args=[enr.pk])}"' in page


@pytest.mark.urls("tests.budgets.catalog_urls")
def test_history_links_to_the_enrolment_once_the_catalog_has_that_page(client_for, employee, budgets, enrolment):
    enr = enrolment(employee, "10.00", title="Linked course")
    enrolment_approving.send(sender=None, enrolment=enr, by=None)
    page = client_for(employee).get(reverse("budgets:mine")).content.decode()
    assert f'<a href="/catalog/enrolments/{enr.pk}/">Linked course</a>' in page


def test_first_view_per_period_is_recorded_once_and_only_for_the_employee(client_for, employee, manager, budgets):
    budget = budgets[employee.pk]
    client_for(manager).get(reverse("budgets:employee", args=[employee.pk]))
    budget.refresh_from_db()
    assert budget.first_viewed_at is None  # a manager looking does not count
    client_for(employee).get(reverse("budgets:mine"))
    budget.refresh_from_db()
    first = budget.first_viewed_at
    assert first is not None
    client_for(employee).get(reverse("budgets:mine"))
    budget.refresh_from_db()
    assert budget.first_viewed_at == first


@pytest.mark.parametrize(
    ("viewer", "target", "status"),
    [
        ("employee", "other_employee", 404),
        ("other_employee", "employee", 404),
        ("outsider_manager", "employee", 404),
        ("manager", "other_employee", 404),
        ("manager", "indirect_report", 200),
        ("manager", "employee", 200),
        ("hr", "employee", 200),
        ("employee", "employee", 200),
        ("employee", "manager", 404),
    ],
)
def test_nobody_sees_another_employees_budget_except_managers_and_ld(
    client_for, personas, budgets, viewer, target, status
):
    person = getattr(personas, viewer)
    other = getattr(personas, target)
    response = client_for(person).get(reverse("budgets:employee", args=[other.pk]))
    assert response.status_code == status
    if status == 404:
        assert "€" not in response.content.decode()


def test_team_page_lists_direct_and_indirect_reports_only(client_for, personas, budgets):
    page = client_for(personas.manager).get(reverse("budgets:team")).content.decode()
    assert personas.employee.full_name in page
    assert personas.indirect_report.full_name in page
    assert personas.other_employee.full_name not in page
    assert "Nothing used by mid-period" not in page  # 2 March: not half way yet


def test_team_page_signals_who_has_used_nothing_by_mid_period(client_for, personas, budgets, enrolment, time_machine):
    enrolment_approving.send(sender=None, enrolment=enrolment(personas.employee, "10.00"), by=None)
    time_machine.move_to("2026-07-03 10:00")
    page = client_for(personas.manager).get(reverse("budgets:team")).content.decode()
    assert page.count("Nothing used by mid-period") == 2  # team lead and indirect report; the employee did
    assert "2 people in your team have not used any budget" in page
    home = client_for(personas.manager).get(reverse("home")).content.decode()
    assert "2 people have not used any budget and the period is more than half over" in home


def test_overview_per_department_and_job_group_with_never_viewed(client_for, personas, budgets, enrolment, org):
    enrolment_approving.send(sender=None, enrolment=enrolment(personas.employee, "100.00"), by=None)
    client_for(personas.employee).get(reverse("budgets:mine"))
    page = client_for(personas.hr).get(reverse("budgets:overview")).content.decode()
    assert "Customer Service" in page
    assert "Agents" in page
    assert "6 employees have never opened their budget page" in page
    response = client_for(personas.hr).get(reverse("budgets:overview") + "?export=csv")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    service = next(r for r in rows if r[1] == "Customer Service")
    # manager, employee, team lead, indirect report: 4 x 1000 allocated, 100 committed, 3 never viewed
    assert service[2:] == ["4", "4000.00", "100.00", "0.00", "3900.00", "3", "3"]
    response = client_for(personas.hr).get(reverse("budgets:overview") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Grouped by"
    assert ["Department (with its sub-departments)", "Customer Service", 4, 4000, 100, 0, 3900, 3, 3] in values


def test_a_department_row_sums_its_sub_departments_in_tree_order(client_for, personas, budgets, enrolment, org):
    """Organisation (hr) holds Customer Service (4 people) and Finance (2): its row is all 7."""
    from budgets.selectors import budget_overview

    enrolment_approving.send(sender=None, enrolment=enrolment(personas.employee, "100.00"), by=None)
    rows = budget_overview()["departments"]
    assert [(r["name"], r["depth"], r["employees"]) for r in rows] == [
        ("Organisation", 0, 7),
        ("Customer Service", 1, 4),
        ("Finance", 1, 2),
    ]
    organisation = rows[0]
    assert (organisation["allocated"], organisation["committed"], organisation["available"]) == (
        Decimal("7000.00"),
        Decimal("100.00"),
        Decimal("6900.00"),
    )
    page = client_for(personas.hr).get(reverse("budgets:overview")).content.decode()
    assert page.index("Organisation") < page.index("Customer Service") < page.index("Finance")
    assert "each including its sub-departments" in page


def test_adjustment_form_refuses_below_zero_with_a_clear_message(client_for, hr, employee, budgets):
    budget = budgets[employee.pk]
    url = reverse("budgets:adjust", args=[budget.pk])
    response = client_for(hr).post(url, {"amount": "-1000.01", "reason": "Correction"})
    assert response.status_code == 200
    assert "at most €1,000.00 can be taken off" in response.content.decode()
    response = client_for(hr).post(url, {"amount": "-50", "reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert LedgerEntry.objects.filter(kind="adjustment").count() == 0
    response = client_for(hr).post(url, {"amount": "-50", "reason": "Paid twice"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.available == D("950.00")
    entry = LedgerEntry.objects.get(kind="adjustment")
    assert (entry.reason, entry.created_by) == ("Paid twice", hr.user)


def test_policy_form_validates_and_saves(client_for, hr, org):
    url = reverse("budgets:policy_create")
    data = {
        "name": "Agents",
        "audience_kind": "job_group",
        "audience_job_group": org["agents"].pk,
        "amount": "800",
        "hours": "16",
        "period_start": "2026-01-01",
        "period_months": "12",
        "pro_rata": "on",
        "carry_over": "up_to",
        "carry_over_limit": "0",
        "grace_days": "0",
        "over_budget": "route_to_ld",
        "reminder_days": "30, seven",
        "active": "on",
    }
    response = client_for(hr).post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter whole numbers of days" in page
    assert "Enter the most that may be carried over" in page
    assert not BudgetPolicy.objects.exists()
    response = client_for(hr).post(url, {**data, "reminder_days": "30,7", "carry_over_limit": "200"})
    assert response.status_code == 302
    policy = BudgetPolicy.objects.get()
    assert (policy.reminder_day_list(), policy.audience_job_group_id) == ([30, 7], org["agents"].pk)


def test_home_panels_show_budget_to_employee_team_to_manager_organisation_to_ld(client_for, personas, budgets):
    page = client_for(personas.employee).get(reverse("home")).content.decode()
    assert "My learning budget" in page
    assert "€1,000.00" in page
    assert reverse("budgets:mine") in page
    page = client_for(personas.manager).get(reverse("home")).content.decode()
    assert "Team budget use" in page
    assert "€3,000.00" in page
    page = client_for(personas.hr).get(reverse("home")).content.decode()
    assert "Organisation budget use" in page
    assert "€7,000.00" in page
    assert "Team budget use" not in page


def test_providers_for_the_catalog_and_comms(personas, budgets):
    from people.registry import BUDGET_AVAILABLE, BUDGET_SUMMARY, registry

    assert registry.use(BUDGET_AVAILABLE)(personas.employee) == D("1000.00")
    summary = registry.use(BUDGET_SUMMARY)(personas.employee)
    assert summary.available == D("1000.00")
    assert summary.expires_on == date(2026, 12, 31)
    nobody = EmployeeFactory(active=True)
    assert registry.use(BUDGET_AVAILABLE)(nobody) is None
    assert registry.use(BUDGET_SUMMARY)(nobody) is None


def test_ld_finds_any_employees_budget_from_the_overview(client_for, personas, budgets):
    url = reverse("budgets:overview")
    page = client_for(personas.hr).get(url, {"q": "zoë vries"}).content.decode()
    results = page.split('id="search-results"')[1].split("</section>")[0]
    assert reverse("budgets:employee", args=[personas.employee.pk]) in results
    assert reverse("budgets:employee", args=[personas.other_employee.pk]) not in results
    page = client_for(personas.hr).get(url, {"q": "nobody-by-that-name"}).content.decode()
    assert "No budget found" in page


def test_a_search_with_a_nul_character_shows_the_error_and_searches_nothing(client_for, personas, budgets):
    response = client_for(personas.hr).get(reverse("budgets:overview"), {"q": "zo\x00\u00eb"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert "Null characters are not allowed." in page
    assert response.context["found"] is None


def test_nobody_adjusts_their_own_budget(client_for, hr, employee, budgets):
    """L&D staff adjust a colleague's budget, never their own: no button, the page refuses, the
    service refuses (also when called directly), and nothing is written."""

    own = budgets[hr.pk]
    client = client_for(hr)
    assert "Adjust this budget" not in client.get(reverse("budgets:mine")).content.decode()
    assert "Adjust this budget" in client.get(reverse("budgets:employee", args=[employee.pk])).content.decode()
    entries = LedgerEntry.objects.count()
    assert client.get(reverse("budgets:adjust", args=[own.pk])).status_code == 403
    response = client.post(reverse("budgets:adjust", args=[own.pk]), {"amount": "500.00", "reason": "Mine"})
    assert response.status_code == 403
    with pytest.raises(ValidationError) as exc:
        budget_adjust(budget=own, amount=Decimal("500.00"), reason="Mine", by=hr.user)
    assert "Nobody adjusts their own budget" in str(exc.value)
    assert LedgerEntry.objects.count() == entries


def test_my_budget_shows_the_requests_waiting_for_a_decision(client_for, employee, budgets):
    """Requests not yet decided are not committed, yet on their way: the budget page says what they
    would cost (catalog items and external trainings alike) and warns when that is more than is left."""
    from tests.catalog.factories import EnrolmentFactory, ItemFactory

    EnrolmentFactory(employee=employee, item=ItemFactory(cost=Decimal("600.00")))
    EnrolmentFactory(employee=employee, item=None, external_title="Congres", external_cost=Decimal("450.50"))
    EnrolmentFactory(employee=employee, item=ItemFactory(cost=Decimal("99.00")), status="cancelled")
    page = client_for(employee).get(reverse("budgets:mine")).content.decode()
    assert "Requested, waiting for a decision" in page
    assert "€1,050.50" in page
    assert "more than is available" in page  # €1,000.00 is left
