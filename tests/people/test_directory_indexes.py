"""The people directory of a large organisation (issue 21): its name order is an index, and its
search (`icontains` on first name, last name and e-mail, an exact HRIS key) is served by trigram
indexes on PostgreSQL instead of reading every employee."""

import pytest
from django.db import connection

from people.models import Employee
from people.selectors import employee_directory
from tests.bigteam import grow_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def thousands(require_postgres, personas):
    """3,000 people, and the planner's statistics about them."""
    grow_team(personas.manager, 3000, leads=30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_employee")


def _plan(queryset, *, no_seqscan=False) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if no_seqscan:  # 3,000 rows still fit a few pages: tell the planner to pick an index
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_directory_is_read_in_name_order_from_an_index(thousands):
    plan = _plan(employee_directory()[:50])
    assert "employee_name_order" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ("first_name__icontains", "employee_first_name_trgm"),
        ("last_name__icontains", "employee_last_name_trgm"),
        ("email__icontains", "employee_email_trgm"),
        ("external_id__iexact", "employee_external_id_ci"),
    ],
)
def test_each_condition_of_the_search_has_an_index_that_matches_the_sql_django_writes(thousands, lookup, index):
    """The indexes are on UPPER(column::text), what `icontains` and `iexact` compare: a plain
    trigram index on the column would never be used."""
    plan = _plan(Employee.objects.filter(**{lookup: "vries"}).order_by(), no_seqscan=True)
    assert index in plan, plan
