"""Breakdowns by learning format and by month: exact figures on a hand-built pair of people, the
page's tables and downloads, the API's `by`, and one statement however many departments, items and
enrolments there are."""

from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.periods import Period
from monitoring.reports import BREAKDOWN, FORMAT_BREAKDOWN
from monitoring.selectors import metric_breakdown
from people.audience import EVERYONE
from tests.catalog.factories import EnrolmentFactory, ItemFactory
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.monitoring.conftest import at
from tests.monitoring.test_api import REPORTING, api

pytestmark = pytest.mark.django_db
Y2025 = Period.year(2025)
TODAY = date(2026, 1, 10)
D = Decimal


def _enrol(employee, item, requested: date, **fields):
    enrolment = EnrolmentFactory(employee=employee, item=item, **fields)
    type(enrolment).objects.filter(pk=enrolment.pk).update(requested_at=at(requested))
    return enrolment


@pytest.fixture
def two():
    """p1 began and completed an e-learning in March and asked for a classroom training
    from "for you" in May; p2 began a classroom training on 2 May, requested in April."""
    department = DepartmentFactory(name="Pilot")
    p1, p2 = EmployeeFactory(department=department), EmployeeFactory(department=department)
    elearning = ItemFactory(title="E", format="elearning", duration_hours=D(2))
    classroom = ItemFactory(title="C", format="classroom")
    _enrol(
        p1, elearning, date(2025, 3, 1), status="completed",
        started_at=at(date(2025, 3, 5)), completed_at=at(date(2025, 3, 10)),
    )  # fmt: skip
    _enrol(p1, classroom, date(2025, 5, 1), status="requested", via_for_you=True)
    _enrol(p2, classroom, date(2025, 4, 20), status="started", started_at=at(date(2025, 5, 2)))
    return p1, p2


def _pairs(figures, names):
    return {n: (figures[n].numerator, figures[n].denominator) for n in names}


def test_by_format_splits_the_enrolment_metrics(two):
    rows = metric_breakdown("format", EVERYONE, Y2025, FORMAT_BREAKDOWN, today=TODAY)
    assert _pairs(rows["elearning"], FORMAT_BREAKDOWN) == {
        "participation": (1, 2),
        "completion_rate": (1, 1),
        "elective_share": (1, 1),
        "recommendation_uptake": (0, 1),
    }
    assert _pairs(rows["classroom"], FORMAT_BREAKDOWN) == {
        "participation": (1, 2),
        "completion_rate": (0, 1),
        "elective_share": (2, 2),
        "recommendation_uptake": (1, 2),
    }
    assert rows["classroom"]["recommendation_uptake"].value == 50
    assert rows["video"]["participation"].value == 0  # a format nobody used: 0 of the people
    # metrics whose facts are not enrolments are not split by format
    assert metric_breakdown("format", EVERYONE, Y2025, ["budget_utilisation", "hours_per_fte"], today=TODAY) == {}


def test_by_month_takes_each_month_as_a_period(two):
    rows = metric_breakdown("month", EVERYONE, Y2025, BREAKDOWN, today=TODAY)
    assert sorted(rows) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert _pairs(rows["2025-03"], ["participation", "completion_rate"]) == {
        "participation": (1, 2),
        "completion_rate": (1, 1),
    }
    assert _pairs(rows["2025-05"], ["participation", "completion_rate"]) == {
        "participation": (1, 2),
        "completion_rate": (0, 1),
    }
    assert rows["2025-04"]["participation"].numerator == 0
    assert rows["2025-03"]["hours_per_fte"].numerator == 2  # the e-learning's two hours
    # months after today are left out
    running = metric_breakdown("month", EVERYONE, Y2025, ["participation"], today=date(2025, 5, 15))
    assert sorted(running) == [f"2025-{m:02d}" for m in range(1, 6)]


def _queries(by, names):
    with CaptureQueriesContext(connection) as ctx:
        metric_breakdown(by, EVERYONE, Y2025, names, today=TODAY)
    return len(ctx)


def _grow(n):
    for i in range(n):
        department = DepartmentFactory(name=f"Extra {i}")
        person = EmployeeFactory(department=department)
        item = ItemFactory(format=["webinar", "video", "coaching"][i % 3])
        _enrol(person, item, date(2025, 1 + i % 12, 3), status="started", started_at=at(date(2025, 1 + i % 12, 4)))


def test_each_breakdown_is_one_statement_for_2_or_20_departments_and_items(two):
    _grow(2)
    small = {by: _queries(by, names) for by, names in (("format", FORMAT_BREAKDOWN), ("month", BREAKDOWN))}
    _grow(18)
    large = {by: _queries(by, names) for by, names in (("format", FORMAT_BREAKDOWN), ("month", BREAKDOWN))}
    assert large == small
    assert small == {"format": 1, "month": 2}  # month: the budget periods, then the statement


def test_the_page_and_its_downloads_have_the_format_and_month_tables(client_for, hr, personas):
    EnrolmentFactory(employee=personas.employee, status="started", started_at=at(date.today()))
    client = client_for(hr)
    html = client.get("/monitoring/").content.decode()
    assert "Per learning format" in html
    assert "Per month" in html
    response = client.get("/monitoring/?export=csv&table=formats")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Format,Participation")
    assert "E-learning" in body
    response = client.get("/monitoring/?export=csv&table=months")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Month,Participation")
    assert len(lines) == 1 + date.today().month  # January up to this month


def test_the_api_breaks_down_by_format_and_by_month(two):
    client = api(REPORTING)
    base = "start=2025-01-01&end=2025-12-31"
    rows = client.get(f"/api/v1/metrics/participation/breakdown/?by=format&{base}").json()
    got = {r["key"]: (r["numerator"], r["denominator"]) for r in rows}
    assert got["elearning"] == ("1.0000", "2.0000")
    assert got["classroom"] == ("1.0000", "2.0000")
    rows = client.get(f"/api/v1/metrics/participation/breakdown/?by=month&{base}").json()
    assert [r["key"] for r in rows][:3] == ["2025-01", "2025-02", "2025-03"]
    assert next(r for r in rows if r["key"] == "2025-03")["numerator"] == "1.0000"
    refused = client.get(f"/api/v1/metrics/budget_utilisation/breakdown/?by=format&{base}")
    assert refused.status_code == 400
    assert "by" in refused.json()


def test_the_schema_documents_the_new_values(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    parameters = schema["paths"]["/api/v1/metrics/{name}/breakdown/"]["get"]["parameters"]
    by = next(p for p in parameters if p["name"] == "by")
    assert by["schema"]["enum"] == ["department", "job_group", "education_level", "format", "month"]
    assert "YYYY-MM" in by["description"]
