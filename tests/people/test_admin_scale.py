"""The admin's people lists cost the same number of queries for a few rows and for a full page of
them (each row's parent department, manager and job group come with the list, not one by one)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from people.models import Department
from people.services import department_tree_refresh
from tests.bigteam import grow_team, page_queries

pytestmark = pytest.mark.django_db


def test_department_list_holds_its_query_count(personas, org, client_for):
    client = client_for(personas.hr)
    url = reverse("admin:people_department_changelist")
    small, _page = page_queries(client, url)
    parents = Department.objects.bulk_create(
        [Department(name=f"Division {i:03d}", parent=org["root"]) for i in range(20)]
    )
    Department.objects.bulk_create(
        [Department(name=f"Team {i:03d}", parent=parents[i % len(parents)]) for i in range(200)]
    )
    department_tree_refresh()
    large, page = page_queries(client, url)
    assert large == small, (small, large)
    assert "Team 000" in page
    assert "Division 000" in page


def test_employee_list_holds_its_query_count(personas, client_for):
    client = client_for(personas.hr)
    url = reverse("admin:people_employee_changelist")
    small, _page = page_queries(client, url)
    grow_team(personas.manager, 300)
    large, _page = page_queries(client, url)
    assert large == small, (small, large)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_action_checkbox_reads_as_djangos_widget(language):
    """ServiceAdmin writes each row's checkbox out; Django renders it through its CheckboxInput
    widget's template, the plain path. Both give the same HTML, the name escaped alike."""
    model_admin = admin.site._registry[Department]
    department = Department(pk=7, name='R&D "Noord" <b>')
    with translation.override(language):
        fast = model_admin.action_checkbox(department)
        assert fast == admin.ModelAdmin.action_checkbox(model_admin, department)
    assert "&lt;b&gt;" in fast


@pytest.mark.parametrize("name", ["people_employee", "budgets_budget", "catalog_enrolment"])
def test_a_searched_list_counts_its_results_and_not_the_whole_table_again(personas, client_for, name):
    """Django counts the whole table a second time for "(N total)" unless told not to: on the
    50,000 people's ledger that was a sixth of the page (every admin list is a ListAdmin)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas.hr)
    url = reverse(f"admin:{name}_changelist") + "?q=Zo"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert response.status_code == 200
    assert len(counts) == 1, counts
    assert "WHERE" in counts[0]  # the search's own count
    assert "total)" not in response.content.decode()
