"""/api/v1/programmes/ (issue 20): reporting clients read every programme with its cycles, the six
steps and the four lights with their figures, in the same number of queries for one programme as
for many; other scopes are refused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adoption.models import Programme
from monitoring.models import ScopeKind
from tests.adoption.helpers import running, snap

pytestmark = pytest.mark.django_db
URL = "/api/v1/programmes/"


def _queries(client) -> tuple[int, dict]:
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx), response.json()


def test_reporting_clients_read_programmes_with_steps_and_lights(api, personas):
    today = timezone.localdate()
    for day, pilot, org in ((today - timedelta(days=30), 6, 50), (today, 3, 40)):
        snap("no_activity", ScopeKind.DEPARTMENT, personas.employee.department_id, day, pilot, 10)
        snap("no_activity", ScopeKind.ORGANISATION, 0, day, org, 100)
    running(personas, name="P0", days_ago=30)
    client = api("reporting:read")
    one, body = _queries(client)
    [p] = body["results"]
    assert (p["name"], p["stage"], p["audience_kind"]) == ("P0", "running", "department")
    assert [s["number"] for s in p["checklist"]] == [1, 2, 3, 4, 5, 6]
    assert p["steps_done"] == sum(s["done"] for s in p["checklist"])
    assert p["cycles"][0]["number"] == 1
    change = next(c for light in p["lights"] for c in light["changes"] if c["metric"] == "no_activity")
    assert (change["pilot_start"], change["pilot_now"]) == ("60.0000", "30.0000")
    assert change["effect"].startswith("-22.2")
    assert change["verdict"] == "better"
    for i in range(1, 5):
        running(personas, name=f"P{i}", days_ago=30)
    five, body = _queries(client)
    assert len(body["results"]) == 5
    assert five == one
    assert api("hris:write").get(URL).status_code == 403
    assert Programme.objects.count() == 5
