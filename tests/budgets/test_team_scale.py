"""The team budget page and the manager's home panel cost the same for a team of three and for a
manager with thousands of indirect reports (through the reporting lines), and their figures stay
right: a page of 50 people, the whole team's totals summed in SQL."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import Budget
from budgets.selectors import team_totals, team_totals_kept
from budgets.services import budget_allocate
from monitoring.services import figures_keep_due
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
    small_search, _found = page_queries(client, url + "?q=Zoë")
    assert "Zoë de Vries" in page
    assert personas.indirect_report.full_name in page
    assert "worked out on" not in page  # a small team's totals are summed now
    before = team_totals(manager=personas.manager)
    assert before["employees"] == 3
    assert before["idle"] == 3

    grown = grow_team(personas.manager, 3000)
    used = grown[:1200]
    give_budgets(used, budgets, committed=Decimal("100.00"), spent=Decimal("50.00"))
    give_budgets(grown[1200:], budgets)
    figures_keep_due()  # the night: a team of 500 or more has its sums kept, and the page reads them
    large, page = page_queries(client, url)
    assert large == small, (small, large)
    assert "These figures were worked out on" in page

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
    assert found_count == small_search
    assert found.count('href="/budget/employee/') == 1
    assert "Big001234" in found
    assert "1 person" in found


def test_manager_home_budget_panel_sums_in_sql_for_thousands_of_reports(personas, client_for, budgets):
    client = client_for(personas.manager)
    small, home = page_queries(client, reverse("home"))
    assert "3 people have not used any budget" in home
    grown = grow_team(personas.manager, 2000)
    give_budgets(grown, budgets)
    figures_keep_due()  # the night: a team of 500 or more has its sums kept, and the panel reads them
    large, home = page_queries(client, reverse("home"))
    assert large == small, (small, large)
    assert "2,003 people have not used any budget" in home
    assert "These figures were worked out on" in home


def test_a_large_teams_kept_budget_totals_equal_the_live_ones(personas, client_for, budgets, monkeypatch):
    """The totals monitoring's nightly task keeps for a large team (its current budgets, as
    team_totals counts them) are the live ones when kept; `?fresh=1` sums them now, and a team
    below the size that is kept never reads them."""
    import people.registry

    grown = grow_team(personas.manager, 40)
    give_budgets(grown[:15], budgets, committed=Decimal("20.00"), spent=Decimal("5.00"))
    give_budgets(grown[15:30], budgets)  # ten have no budget at all
    Budget.objects.filter(employee=personas.employee).update(first_viewed_at=timezone.now())
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 10)
    monkeypatch.setattr(people.registry, "KEPT_TEAM_FROM", 10)
    figures_keep_due()
    live = team_totals(manager=personas.manager)
    kept, taken_at = team_totals_kept(manager=personas.manager)
    assert taken_at is not None
    assert kept == live
    assert (live["employees"], live["never_viewed"], live["idle"]) == (33, 32, 18)
    client = client_for(personas.manager)
    page = client.get(reverse("budgets:team"))
    assert page.context["kept_at"] == taken_at
    assert page.context["totals"] == live
    fresh = client.get(reverse("budgets:team") + "?fresh=1")
    assert fresh.context["kept_at"] is None
    assert fresh.context["totals"] == live
    monkeypatch.setattr(people.registry, "KEPT_TEAM_FROM", 100)
    assert client.get(reverse("budgets:team")).context["kept_at"] is None
