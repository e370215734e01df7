"""The team budget page and the manager's home panel cost the same for a team of three and for a
manager with thousands of indirect reports (through the reporting lines), and their figures stay
right: a page of 50 people, the whole team's totals summed in SQL."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Budget
from budgets.selectors import team_totals
from budgets.services import budget_allocate
from tests.bigteam import give_budgets, grow_team, page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgets(personas, policy, time_machine):
    time_machine.move_to("2026-07-03 10:00")  # past mid-period: the idle signal counts
    budget_allocate()
    return Budget.objects.get(employee=personas.employee)


def test_team_budget_page_holds_its_query_count_and_figures_for_thousands_of_reports(personas, client_for, budgets):
    client = client_for(personas.manager)
    url = reverse("budgets:team")
    small, page = page_queries(client, url)
    assert "Zoë de Vries" in page
    assert personas.indirect_report.full_name in page
    before = team_totals(manager=personas.manager)
    assert before["employees"] == 3
    assert before["idle"] == 3

    grown = grow_team(personas.manager, 3000)
    used = grown[:1200]
    give_budgets(used, budgets, committed=Decimal("100.00"), spent=Decimal("50.00"))
    give_budgets(grown[1200:], budgets)
    large, page = page_queries(client, url)
    assert large == small, (small, large)

    totals = team_totals(manager=personas.manager)
    assert totals["employees"] == 3003
    assert totals["allocated"] == Decimal("1000.00") * 3003
    assert totals["committed"] == Decimal("100.00") * 1200
    assert totals["spent"] == Decimal("50.00") * 1200
    assert totals["idle"] == 3003 - 1200
    assert totals["available"] == Decimal("1000.00") * 3003 - Decimal("150.00") * 1200
    assert "1,803 people in your team have not used any budget" in page
    assert "3,003 people" in page  # the count above the list, thousands grouped
    assert "€3,003,000.00" in page  # allocated, summed over the whole team
    assert page.count('href="/budget/employee/') == 50  # one page, not the whole team
    assert "Page 1 of 61" in page

    last_count, last = page_queries(client, url + "?page=61")
    assert last_count == small
    assert last.count('href="/budget/employee/') == 3
    found_count, found = page_queries(client, url + "?q=Big001234")
    assert found_count == small
    assert found.count('href="/budget/employee/') == 1
    assert "Big001234" in found
    assert "1 person" in found


def test_manager_home_budget_panel_sums_in_sql_for_thousands_of_reports(personas, client_for, budgets):
    client = client_for(personas.manager)
    small, home = page_queries(client, reverse("home"))
    assert "3 people have not used any budget" in home
    grown = grow_team(personas.manager, 2000)
    give_budgets(grown, budgets)
    large, home = page_queries(client, reverse("home"))
    assert large == small, (small, large)
    assert "2,003 people have not used any budget" in home
