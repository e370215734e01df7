"""A manager with thousands of reports, made in a few statements (bulk_create and the reporting
lines refreshed in SQL), for the tests that hold a page's query count as the organisation grows."""

import itertools
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Employee
from people.services import reporting_lines_refresh

_batch = itertools.count(1)


def grow_team(manager, n, *, department=None, job_group=None, leads=10, hired_on=None) -> list[Employee]:
    """`n` active people below `manager`: `leads` team leads reporting to the manager and the rest
    spread below them (so most are indirect reports). Returns them in creation order."""
    batch = next(_batch)
    department = department or manager.department
    job_group = job_group or manager.job_group

    def person(i, boss):
        return Employee(
            external_id=f"B{batch:03d}-{i:06d}",
            first_name=f"Big{i:06d}",
            last_name=f"Team{batch:03d}",
            email=f"big{batch}-{i}@example.test",
            department=department,
            job_group=job_group,
            education_level="bachelor",
            fte=Decimal("1.00"),
            locale="en",
            manager=boss,
            hired_on=hired_on,
        )

    leads = min(leads, n)
    heads = Employee.objects.bulk_create([person(i, manager) for i in range(leads)])
    rest = Employee.objects.bulk_create([person(i, heads[i % leads]) for i in range(leads, n)])
    reporting_lines_refresh()
    return heads + rest


def give_budgets(employees, like, **amounts) -> None:
    """A budget like `like` (same policy and period) for each of `employees`, with the amounts given."""
    from budgets.models import Budget

    fields = {
        "policy_id": like.policy_id,
        "period_start": like.period_start,
        "period_end": like.period_end,
        "expires_on": like.expires_on,
        "allocated": Decimal("1000.00"),
    }
    fields.update(amounts)
    Budget.objects.bulk_create([Budget(employee=e, **fields) for e in employees])


def year_start() -> date:
    from django.utils import timezone

    return timezone.localdate().replace(month=1, day=1)


def page_queries(client, url="/") -> tuple[int, str]:
    """The queries a page runs once warm (the first request fills the caches) and its HTML."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()
