"""/api/v1/metrics/: definitions, a value, a breakdown and a series, for reporting clients and L&D
staff; a manager for their own team only (another team's audience by id is refused); bad input is
a 400 with field errors; the same figures as the selectors; in the OpenAPI schema."""

from dataclasses import dataclass, field
from datetime import date

import pytest
from rest_framework.test import APIClient

from monitoring.models import ScopeKind
from monitoring.services import snapshots_take

pytestmark = pytest.mark.django_db


@dataclass
class ApiPrincipal:
    api_scopes: set = field(default_factory=set)
    is_authenticated: bool = True
    is_active: bool = True
    pk: int = 0


def api(principal=None, user=None):
    client = APIClient()
    client.force_authenticate(principal or user)
    return client


REPORTING = ApiPrincipal({"reporting:read"})


def test_the_definitions_list_every_metric_with_its_thresholds():
    rows = api(REPORTING).get("/api/v1/metrics/").json()
    participation = next(r for r in rows if r["name"] == "participation")
    assert participation["unit"] == "percent"
    assert (participation["green"], participation["amber"]) == ("60.00", "40.00")
    assert {r["name"] for r in rows if r["from_survey"]} == {"perception_gap", "awareness", "evaluation_score"}


def test_a_value_is_the_selectors_figure_with_its_light(small):
    response = api(REPORTING).get("/api/v1/metrics/participation/value/?start=2025-01-01&end=2025-12-31")
    assert response.status_code == 200
    body = response.json()
    assert (body["numerator"], body["denominator"], body["value"]) == ("3.0000", "5.0000", "60.0000")
    assert body["light"] == "green"
    north = f"audience_kind=department&department={small.north.pk}&start=2025-01-01&end=2025-12-31"
    body = api(REPORTING).get(f"/api/v1/metrics/hours_per_fte/value/?{north}").json()
    assert (body["numerator"], body["denominator"]) == ("1.5000", "1.0000")
    assert body["audience"] == "Sales North and its sub-departments"


def test_a_breakdown_per_department_counts_each_subtree(small):
    rows = (
        api(REPORTING)
        .get("/api/v1/metrics/participation/breakdown/?by=department&start=2025-01-01&end=2025-12-31")
        .json()
    )
    got = {int(r["key"]): (r["numerator"], r["denominator"]) for r in rows}
    assert got[small.org.pk] == ("3.0000", "5.0000")
    assert got[small.sales.pk] == ("2.0000", "3.0000")


def test_a_series_reads_the_snapshots(small):
    snapshots_take(day=date(2025, 12, 30))
    snapshots_take(day=date(2025, 12, 31))
    url = f"/api/v1/metrics/participation/series/?scope_kind={ScopeKind.DEPARTMENT}&scope_id={small.it.pk}"
    points = api(REPORTING).get(f"{url}&since=2025-12-01&until=2025-12-31").json()
    assert [p["day"] for p in points] == ["2025-12-30", "2025-12-31"]
    assert points[-1]["denominator"] == "2.0000"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2025-13-01", "start"),
        ("start=2025-05-01&end=2025-01-01", "end"),
        ("start=2020-01-01&end=2025-12-31", "end"),
        ("audience_kind=department", "department"),
        ("audience_kind=department&department=999999", "department"),
        ("audience_kind=nobody", "audience_kind"),
        ("audience_kind=team&manager=abc", "manager"),
    ],
)
def test_bad_input_is_a_400_with_the_field(personas, query, field):
    response = api(REPORTING).get(f"/api/v1/metrics/participation/value/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_an_unknown_metric_is_a_404(personas):
    assert api(REPORTING).get("/api/v1/metrics/nonsense/value/").status_code == 404


def test_a_manager_reads_the_own_team_and_nothing_else(personas):
    me = api(user=personas.manager.user)
    own = me.get(f"/api/v1/metrics/participation/value/?audience_kind=team&manager={personas.manager.pk}")
    assert own.status_code == 200
    assert own.json()["denominator"] == "3.0000"  # employee, team lead, indirect report
    within = me.get(f"/api/v1/metrics/participation/value/?audience_kind=team&manager={personas.team_lead.pk}")
    assert within.status_code == 200  # a team lead's team lies within the manager's
    other = f"audience_kind=team&manager={personas.outsider_manager.pk}"
    assert me.get(f"/api/v1/metrics/participation/value/?{other}").status_code == 403
    assert me.get(f"/api/v1/metrics/participation/breakdown/?by=department&{other}").status_code == 403
    department = f"audience_kind=department&department={personas.employee.department_id}"
    assert me.get(f"/api/v1/metrics/participation/value/?{department}").status_code == 403
    assert me.get("/api/v1/metrics/participation/value/").status_code == 403  # everyone
    assert me.get("/api/v1/metrics/participation/series/").status_code == 403


def test_an_employee_and_a_client_without_the_scope_read_nothing(personas):
    assert api(user=personas.employee.user).get("/api/v1/metrics/").status_code == 403
    assert api(ApiPrincipal({"hris:write"})).get("/api/v1/metrics/participation/value/").status_code == 403


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/metrics/", "/api/v1/metrics/{name}/value/", "/api/v1/metrics/{name}/series/"):
        assert path in schema["paths"]
