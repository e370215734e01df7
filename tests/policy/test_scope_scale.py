"""L&D's hours per scope (the moments manage page): the figures are those of each person's own
policy, period, target and hours (as `hours_overview` works them out one by one), and the page
costs the same number of queries for a handful of people and for thousands."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Enrolment, Status
from people.audience import EVERYONE, Audience
from people.models import Employee
from policy.models import Attendance
from policy.selectors import hours_overview, hours_per_scope
from policy.services import policy_create
from tests.bigteam import grow_team, page_queries
from tests.catalog.factories import ItemFactory
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 5, 20, 10, tzinfo=UTC)


def _expected():
    """The same totals, person by person, from the per-person path."""
    totals = {}
    for row in hours_overview(Employee.objects.filter(active=True), today=TODAY.date()):
        key = row.policy.pk if row.policy else None
        entry = totals.setdefault(key, [0, Decimal("0"), Decimal("0"), 0])
        entry[0] += 1
        entry[1] += row.target or 0
        entry[2] += row.hours
        entry[3] += bool(row.target and row.hours >= row.target)
    return totals


def _got():
    return {
        (s["policy"].pk if s["policy"] else None): [s["people"], s["target"], s["hours"], s["on_track"]]
        for s in hours_per_scope(today=TODAY.date())
    }


def test_hours_per_scope_equals_each_persons_policy_period_and_hours(personas, org, make_moment, time_machine):
    time_machine.move_to(TODAY)
    deep = DepartmentFactory(name="Service desk", parent=org["service"])
    personas.other_employee.department = deep
    personas.other_employee.save()
    policy_create(
        audience=Audience.of("department", department=org["root"]), hours_per_fte=Decimal("30"), period="year"
    )
    policy_create(
        audience=Audience.of("department", department=org["service"]), hours_per_fte=Decimal("8"), period="quarter"
    )
    policy_create(
        audience=Audience.of("job_group", job_group=org["agents"]), hours_per_fte=Decimal("4"), period="month"
    )
    personas.manager.fte = Decimal("0.80")
    personas.manager.save()
    item = ItemFactory(duration_hours=Decimal("5.0"))
    moment = make_moment()
    for who, minutes, when in [
        (personas.employee, 150, datetime(2026, 5, 3, 9, tzinfo=UTC)),  # in May: counts for the agents' month
        (personas.employee, 600, datetime(2026, 4, 3, 9, tzinfo=UTC)),  # April: outside their month
        (personas.manager, 200, datetime(2026, 4, 10, 9, tzinfo=UTC)),  # in the quarter
        (personas.hr, 100, datetime(2025, 12, 10, 9, tzinfo=UTC)),  # last year
    ]:
        Attendance.objects.create(moment=moment, employee=who, occurrence_start=when, minutes=minutes)
    for who, when in [
        (personas.manager, datetime(2026, 5, 1, 9, tzinfo=UTC)),
        (personas.hr, datetime(2026, 2, 1, 9, tzinfo=UTC)),
        (personas.other_employee, datetime(2025, 2, 1, 9, tzinfo=UTC)),
    ]:
        Enrolment.objects.create(employee=who, item=item, status=Status.COMPLETED, completed_at=when)
    assert None not in _got(), "the department policies govern everyone in the organisation"
    expected = _expected()
    assert _got() == expected
    assert sum(v[3] for v in expected.values()) >= 1  # someone is on track: the count is tested
    assert len(expected) == 3

    policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    outside = DepartmentFactory(name="Elsewhere")
    personas.outsider_manager.department = outside
    personas.outsider_manager.save()
    assert _got() == _expected()


def test_moments_manage_holds_its_query_count_for_thousands_of_people(personas, org, client_for, time_machine):
    time_machine.move_to(TODAY)
    policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    policy_create(
        audience=Audience.of("department", department=org["service"]), hours_per_fte=Decimal("8"), period="quarter"
    )
    client = client_for(personas.hr)
    url = reverse("policy:manage")
    small, _page = page_queries(client, url)
    grown = grow_team(personas.manager, 2000)
    item = ItemFactory(duration_hours=Decimal("8.0"))
    done = datetime(2026, 4, 2, 12, tzinfo=UTC)
    Enrolment.objects.bulk_create(
        [Enrolment(employee=e, item=item, status=Status.COMPLETED, completed_at=done) for e in grown[::2]]
    )
    large, page = page_queries(client, url)
    assert "2,004" in page  # the people Customer Service's policy governs, with their separator
    assert large == small, (small, large)
    service = next(s for s in hours_per_scope(today=TODAY.date()) if s["policy"] and s["policy"].hours_per_fte == 8)
    assert service["people"] == 2000 + 4  # the grown team and the four personas in Customer Service
    assert service["on_track"] == 1000
    assert service["hours"] == Decimal("8000.00")
