"""Every catalog page and list endpoint runs the same number of queries for little and much data."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Enrolment, JobGroupSkill, MandatoryRule, Status
from catalog.services import item_stats_refresh, learning_profile_update
from tests.catalog.factories import ItemFactory, SessionFactory, SkillFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("employee", "/"),
    ("manager", "/"),
    ("hr", "/"),
    ("employee", "/catalog/"),
    ("employee", "/catalog/items/"),
    ("employee", "/catalog/items/?format=video&level=basic&language=en&max_cost=500&max_hours=10&free=&q=Item"),
    ("employee", "/catalog/enrolments/"),
    ("employee", "/catalog/profile/"),
    ("manager", "/catalog/approvals/"),
    ("hr", "/catalog/approvals/"),
    ("manager", "/catalog/team/"),
    ("hr", "/catalog/diversity/"),
    ("hr", "/catalog/import/"),
    ("hr", "/api/v1/learning-items/"),
    ("manager", "/api/v1/enrolments/"),
    ("hr", "/api/v1/enrolments/"),
]


def grow(personas, rounds):
    skill = SkillFactory(name="Customer contact")
    JobGroupSkill.objects.get_or_create(job_group=personas.employee.job_group, skill=skill)
    learning_profile_update(employee=personas.employee, needs=[skill], preferred_formats=["video"])
    for _round in range(rounds):
        item = ItemFactory(format="video", level_basic=True, cost=Decimal("300"), skills=[skill, SkillFactory()])
        SessionFactory(item=item)
        report = EmployeeFactory(manager=personas.manager, department=personas.employee.department)
        Enrolment.objects.create(employee=report, item=item, motivation="x")
        Enrolment.objects.create(
            employee=EmployeeFactory(department=personas.employee.department),
            item=item,
            motivation="x",
            status=Status.COMPLETED,
            rating=4,
        )
        Enrolment.objects.create(employee=personas.employee, item=ItemFactory(), motivation="x", status=Status.APPROVED)
        MandatoryRule.objects.create(item=item, audience_kind="everyone", starts_on=date(2026, 1, 1), due_days=30)
    item_stats_refresh()


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_every_page_keeps_its_query_count_as_the_data_grows(personas, client_for, threshold):
    clients = {name: client_for(getattr(personas, name)) for name in ("employee", "manager", "hr")}
    grow(personas, 2)
    for who, url in PAGES:  # warm sessions and the settings row
        count(clients[who], url)
    small = {(who, url): count(clients[who], url) for who, url in PAGES}
    grow(personas, 25)
    large = {(who, url): count(clients[who], url) for who, url in PAGES}
    assert large == small


def test_for_you_page_query_budget(personas, client_for, threshold, django_assert_max_num_queries):
    c = client_for(personas.employee)
    grow(personas, 3)
    c.get("/catalog/")
    # session, user, roles (2), capabilities' settings-free rules, 5 for the ranking, budget: none here
    with django_assert_max_num_queries(12):
        c.get("/catalog/")
