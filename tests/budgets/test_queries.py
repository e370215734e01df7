"""Every budget page and list endpoint runs the same number of queries for a small and a large
organisation (and a long ledger history)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from budgets.models import Budget
from budgets.services import budget_allocate
from catalog.signals import enrolment_approving
from tests.budgets.conftest import FakeEnrolment
from tests.exports import body
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def grow(personas, org, n):
    """n more people in the manager's team and elsewhere, each with a budget and some history."""
    for _ in range(n):
        EmployeeFactory(manager=personas.manager, department=org["service"], job_group=org["agents"])
        EmployeeFactory(department=org["finance"])
    budget_allocate()
    for i in range(n):
        enrolment_approving.send(
            sender=None, enrolment=FakeEnrolment(employee=personas.employee, cost=Decimal("1.00"), pk=900 + i), by=None
        )


def count(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, the catalog's cached ranking) first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body(response)  # an export reads its rows while it streams
    assert response.status_code == 200, url
    return len(ctx)


PAGES = [
    ("employee", lambda p: reverse("budgets:mine"), 11),  # + the learning hours (policies, attendance, completions)
    ("manager", lambda p: reverse("budgets:employee", args=[p.employee.pk]), 12),
    ("manager", lambda p: reverse("budgets:team"), 8),  # the page of people, its count, the totals
    # The overview's totals are kept for five minutes (read after the warm-up): its grouped scan
    # and the departments' names are the two queries `?fresh=1` adds.
    ("hr", lambda p: reverse("budgets:overview"), 5),
    ("hr", lambda p: reverse("budgets:overview") + "?fresh=1", 7),
    ("hr", lambda p: reverse("budgets:overview") + "?q=a", 6),
    ("hr", lambda p: reverse("budgets:overview") + "?export=csv", 4),
    ("hr", lambda p: reverse("budgets:overview") + "?export=xlsx", 4),
    ("hr", lambda p: reverse("budgets:overview") + "?export=csv&fresh=1", 6),
    ("hr", lambda p: reverse("budgets:policy_list"), 5),
    ("hr", lambda p: reverse("budgets:adjust", args=[Budget.objects.get(employee=p.employee).pk]), 5),
    # The home pages, which gather every app's panels, are measured in tests/people/test_queries.py.
]


@pytest.mark.parametrize(("persona", "url", "expected"), PAGES, ids=[f"{p}-{i}" for i, (p, _u, _e) in enumerate(PAGES)])
def test_pages_run_a_constant_number_of_queries(personas, org, policy, client_for, persona, url, expected):
    grow(personas, org, 2)
    client = client_for(getattr(personas, persona))
    small = count(client, url(personas))
    grow(personas, org, 40)
    large = count(client, url(personas))
    assert (small, large) == (expected, expected)


@pytest.mark.parametrize(("path", "expected"), [("api:budget-list", 3), ("api:budget-me", 5)])
def test_api_runs_a_constant_number_of_queries(personas, org, policy, path, expected):
    grow(personas, org, 2)
    user_id = (personas.hr if path == "api:budget-list" else personas.employee).user_id

    def call():
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=user_id))  # a fresh user: no cached roles
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(path)).status_code == 200
        return ctx

    small = call()
    grow(personas, org, 40)
    large = call()
    assert (len(small), len(large)) == (expected, expected)
