"""The admin's list of budgets in a large organisation (issue 21): its order (newest period first,
then employee) is an index on PostgreSQL, so the first page is read, not every budget sorted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.services import budget_allocate
from tests.bigteam import grow_team

pytestmark = pytest.mark.django_db


def test_the_budget_list_is_read_in_its_order_from_an_index(require_postgres, client_for, personas, policy):
    grow_team(personas.manager, 300, leads=10)
    budget_allocate()
    with CaptureQueriesContext(connection) as queries:
        response = client_for(personas.hr).get("/admin/budgets/budget/")
    assert response.status_code == 200
    listed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "budgets_budget"."id"')]
    assert len(listed) == 1, listed
    assert 'ORDER BY "budgets_budget"."period_start" DESC, "budgets_budget"."employee_id" ASC' in listed[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # 300 rows still fit a few pages
        cursor.execute("EXPLAIN " + listed[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "budget_newest_first" in plan, plan
    assert "Sort" not in plan, plan
