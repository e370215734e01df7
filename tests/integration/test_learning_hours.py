"""Completed enrolments count as learning hours (issue 7): the catalog's `completed_learning_hours`
provider feeds policy's hours, on the employee's own page, the home panel and the manager's team."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Status
from catalog.selectors import completed_learning_hours
from catalog.services import enrolment_complete
from people.audience import EVERYONE
from policy.selectors import hours_overview
from policy.services import policy_create
from tests.catalog.factories import EnrolmentFactory, ItemFactory
from tests.factories import EmployeeFactory


@pytest.fixture
def yearly_policy(db):
    return policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")


def _completed(employee, hours, when=None, **fields):
    enrolment = EnrolmentFactory(employee=employee, item=ItemFactory(duration_hours=hours), status=Status.APPROVED)
    return enrolment_complete(enrolment=enrolment, by=None, at=when, **fields)


def test_hours_are_summed_per_employee_within_the_period_only(personas, django_assert_num_queries):
    employee, other = personas.employee, personas.other_employee
    now = timezone.now()
    _completed(employee, Decimal("2.5"), now)
    _completed(employee, Decimal("1.5"), now)
    _completed(employee, Decimal("8.0"), now - timedelta(days=400))  # before the period
    EnrolmentFactory(employee=employee, item=ItemFactory(duration_hours=Decimal("5")), status=Status.STARTED)
    EnrolmentFactory(
        employee=other,
        item=None,
        external_title="Evening course",
        external_hours=Decimal("3.0"),
        status=Status.COMPLETED,
        completed_at=now,
    )
    start, end = now - timedelta(days=30), now + timedelta(days=1)
    with django_assert_num_queries(1):
        hours = completed_learning_hours([employee.pk, other.pk, personas.hr.pk], start, end)
    assert hours == {employee.pk: Decimal("4.0"), other.pk: Decimal("3.0")}
    # [start, end): a completion exactly at the end is the next period's.
    assert completed_learning_hours([employee.pk], start, now) == {}


def test_a_completed_enrolment_shows_in_my_hours_against_the_policy(client_for, employee, yearly_policy):
    _completed(employee, Decimal("6.0"), helped_in_work=True)
    assert hours_overview([employee])[0].hours == Decimal("6.0")
    html = client_for(employee).get(reverse("policy:my_moments")).content.decode()
    assert "6 of 40 hours" in html  # hours through people.formatting
    home = client_for(employee).get(reverse("home")).content.decode()
    assert "6 of 40 hours" in home


def test_a_completed_enrolment_shows_in_the_managers_team_hours(client_for, manager, personas, yearly_policy):
    _completed(personas.indirect_report, Decimal("7.5"))
    _completed(personas.other_employee, Decimal("9.5"))  # not in this manager's team
    html = client_for(manager).get(reverse("policy:team_hours")).content.decode()
    row = html.split(personas.indirect_report.full_name, 1)[1].split("</tr>", 1)[0]
    assert ">7.5<" in row
    assert "9.5" not in html


@pytest.mark.parametrize(
    ("who", "url_name"),
    [("employee", "policy:my_moments"), ("manager", "policy:team_hours"), ("hr", "policy:manage")],
)
def test_hours_pages_run_a_constant_number_of_queries_with_enrolments(
    who, url_name, client_for, personas, org, yearly_policy, django_assert_num_queries
):
    client = client_for(getattr(personas, who))
    url = reverse(url_name)
    _completed(personas.employee, Decimal("1.0"))
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _i in range(6):
        report = EmployeeFactory(department=org["service"], manager=personas.manager)
        _completed(report, Decimal("2.0"))
        _completed(personas.employee, Decimal("1.0"))
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
