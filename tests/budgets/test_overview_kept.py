"""The L&D overview keeps its totals for a few minutes (issue 21): one grouped scan of every budget
is what they cost, and it grows with the organisation. What is kept equals what is worked out, a
kept page says when it was worked out, and a change L&D makes is seen at once."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Budget
from budgets.selectors import OVERVIEW_KEPT_SECONDS, budget_overview, budget_overview_kept
from budgets.services import budget_adjust, budget_allocate
from tests.exports import body

pytestmark = pytest.mark.django_db
URL = reverse("budgets:overview")


@pytest.fixture
def budgets(personas, policy, time_machine):
    time_machine.move_to("2026-03-02 10:00", tick=False)
    budget_allocate()
    return time_machine


def _aggregate_ran(queries) -> bool:
    return any('SUM("budgets_budget"."allocated")' in q["sql"] for q in queries.captured_queries)


def test_the_second_look_reads_the_kept_totals_and_says_when_they_were_worked_out(client_for, personas, budgets):
    client = client_for(personas.hr)
    with CaptureQueriesContext(connection) as first:
        page = client.get(URL).content.decode()
    assert _aggregate_ran(first)
    assert 'id="totals-as-of"' not in page  # worked out just now
    with CaptureQueriesContext(connection) as second:
        page = client.get(URL).content.decode()
    assert not _aggregate_ran(second)
    assert len(second) == len(first) - 2  # the grouped scan and the departments' names
    assert 'id="totals-as-of"' in page
    assert "kept for five minutes" in page
    assert 'href="?fresh=1"' in page
    with CaptureQueriesContext(connection) as fresh:
        page = client.get(URL, {"fresh": "1"}).content.decode()
    assert _aggregate_ran(fresh)
    assert 'id="totals-as-of"' not in page


def test_kept_totals_equal_the_worked_out_ones_and_expire(personas, budgets):
    data, kept_at = budget_overview_kept()
    assert kept_at is None
    again, kept_at = budget_overview_kept()
    assert kept_at is not None
    assert again == data == budget_overview()
    budgets.move_to(f"2026-03-02 10:{OVERVIEW_KEPT_SECONDS // 60 - 1}:59", tick=False)
    assert budget_overview_kept()[1] is not None
    budgets.move_to(f"2026-03-02 10:{OVERVIEW_KEPT_SECONDS // 60}:01", tick=False)
    assert budget_overview_kept()[1] is None  # gone after OVERVIEW_KEPT_SECONDS: worked out again


def test_an_adjustment_by_ld_is_in_the_totals_at_once(
    client_for, personas, budgets, django_capture_on_commit_callbacks
):
    client = client_for(personas.hr)
    client.get(URL)  # kept
    budget = Budget.objects.get(employee=personas.employee)
    with django_capture_on_commit_callbacks(execute=True):
        budget_adjust(budget=budget, amount=250, reason="Extra for the pilot", by=personas.hr.user)
    data, kept_at = budget_overview_kept()
    assert kept_at is None  # the adjustment forgot the kept totals
    assert data == budget_overview()
    service = next(row for row in data["departments"] if row["name"] == "Customer Service")
    assert service["allocated"] == 4250


def test_a_download_carries_the_pages_totals_and_says_from_when(client_for, personas, budgets):
    client = client_for(personas.hr)
    client.get(URL)
    Budget.objects.filter(employee=personas.employee).update(allocated=9999)  # not through a service
    response = client.get(URL, {"export": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="budgets-')
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    service = next(r for r in rows if r[1] == "Customer Service")
    assert service[3] == "4000.00"  # the kept totals the page showed, not the change made behind them
    fresh = client.get(URL, {"export": "csv", "fresh": "1"})
    assert fresh["Content-Disposition"] == 'attachment; filename="budgets.csv"'
    rows = list(csv.reader(io.StringIO(body(fresh).decode("utf-8-sig"))))
    assert next(r for r in rows if r[1] == "Customer Service")[3] == "12999.00"  # 3 x 1000 + 9999


def test_the_department_table_shows_the_levels_that_fit_and_the_download_every_department(
    client_for, personas, budgets
):
    """At 50,000 people the tree has 214 departments: the table shows its top levels (people.
    selectors.levels_that_fit) with a note, the download every department with a budget."""
    from people.selectors import TREE_ROWS
    from tests.factories import DepartmentFactory, EmployeeFactory

    root = personas.hr.department
    small = client_for(personas.hr).get(URL + "?fresh=1").content.decode()
    assert "the download holds every department" not in small
    for n in range(3):
        division = DepartmentFactory(name=f"Division {n}", parent=root)
        for m in range(TREE_ROWS):
            EmployeeFactory(department=DepartmentFactory(name=f"Team {n}.{m:02d}", parent=division))
    budget_allocate()
    page = client_for(personas.hr).get(URL + "?fresh=1").content.decode()
    assert "the download holds every department" in page
    assert "Division 0</th>" in page  # a row of the departments table
    assert "Team 0.00</th>" not in page  # (the never-opened list names people's departments)
    rows = list(csv.reader(io.StringIO(body(client_for(personas.hr).get(URL + "?export=csv")).decode("utf-8-sig"))))
    names = {row[1] for row in rows}
    assert {"Division 0", "Team 0.00", f"Team 2.{TREE_ROWS - 1:02d}"} <= names
