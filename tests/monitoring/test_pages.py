"""Monitoring's pages: what each shows, the exports (formula-safe), the thresholds form, the home
panels, and a constant number of queries as the organisation grows."""

import csv
import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import Threshold
from monitoring.selectors import thresholds
from tests.catalog.factories import EnrolmentFactory
from tests.factories import EmployeeFactory


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_dashboard_shows_the_four_barriers_and_the_breakdowns(client_for, hr, personas):
    page = client_for(hr).get("/monitoring/")
    html = page.content.decode()
    assert page.status_code == 200
    for number in (1, 2, 3, 4):
        assert f"Barrier {number}" in html
    assert "Customer Service" in html  # the department breakdown
    assert "Finance" in html
    assert "No survey yet" in html  # perception gap and awareness before the surveys app
    assert 'href="/comms/plans/"' in html  # barrier 2's action


def test_a_manager_sees_the_own_team_only(client_for, manager, personas):
    html = client_for(manager).get("/monitoring/team/").content.decode()
    assert personas.employee.full_name in html
    assert personas.indirect_report.full_name in html  # indirect reports too
    assert personas.other_employee.full_name not in html  # another team


def test_the_department_page_lists_its_people_and_not_others(client_for, hr, personas):
    html = client_for(hr).get(f"/monitoring/departments/{personas.employee.department_id}/").content.decode()
    assert personas.employee.full_name in html
    assert personas.other_employee.full_name not in html


def test_csv_cells_that_look_like_formulas_are_defused(client_for, hr, personas):
    personas.employee.first_name = "=HYPERLINK(1)"
    personas.employee.save()
    rows = _csv(
        client_for(hr).get(f"/monitoring/departments/{personas.employee.department_id}/?export=csv&table=people")
    )
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1) de Vries" in names
    assert not any(name.startswith("=") for name in names)


def test_the_department_export_has_one_row_per_department(client_for, hr, personas, org):
    rows = _csv(client_for(hr).get("/monitoring/?export=csv&table=departments"))
    assert rows[0][0] == "Department"
    assert {r[0] for r in rows[1:]} == {"Organisation", "Customer Service", "Finance"}


def test_thresholds_are_saved_and_a_wrong_pair_is_refused_with_nothing_changed(client_for, hr):
    c = client_for(hr)
    data = {
        f"{name}-{part}": str(value)
        for name, pair in thresholds().items()
        for part, value in zip(("green", "amber"), pair, strict=True)
    }
    data["participation-green"], data["participation-amber"] = "80", "55"
    assert c.post("/monitoring/thresholds/", data).status_code == 302
    assert thresholds()["participation"] == (Decimal(80), Decimal(55))
    data["participation-green"] = "20"  # below amber where higher is better
    response = c.post("/monitoring/thresholds/", data)
    assert response.status_code == 400
    assert "green must start at or above amber" in response.content.decode()
    assert thresholds()["participation"] == (Decimal(80), Decimal(55))
    data["participation-green"], data["participation-amber"] = "60", "40"  # the default again
    c.post("/monitoring/thresholds/", data)
    assert not Threshold.objects.filter(metric="participation").exists()


def test_home_panels_show_each_role_its_own(client_for, hr, manager, employee, personas):
    assert "The four barriers in" in client_for(hr).get("/").content.decode()
    assert "Team uptake this year" in client_for(manager).get("/").content.decode()
    EnrolmentFactory(employee=employee, status="completed")
    from django.utils import timezone

    from catalog.models import Enrolment

    Enrolment.objects.filter(employee=employee).update(completed_at=timezone.now(), started_at=timezone.now())
    html = client_for(employee).get("/").content.decode()
    assert "My learning in" in html


def _grow(personas, n):
    for _ in range(n):
        person = EmployeeFactory(department=personas.employee.department, manager=personas.manager)
        EnrolmentFactory(employee=person, status="completed")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_every_page_keeps_its_query_count_as_the_organisation_grows(client_for, hr, manager, personas):
    pages = [
        (hr, "/monitoring/"),
        (hr, f"/monitoring/departments/{personas.employee.department_id}/"),
        (hr, "/monitoring/thresholds/"),
        (manager, "/monitoring/team/"),
        (hr, "/"),
        (manager, "/"),
        (personas.employee, "/"),
    ]
    clients = {who.pk: client_for(who) for who, _url in pages}
    _grow(personas, 2)
    for who, url in pages:
        _count(clients[who.pk], url)  # warm sessions
    small = [_count(clients[who.pk], url) for who, url in pages]
    _grow(personas, 60)  # more than a page of people
    large = [_count(clients[who.pk], url) for who, url in pages]
    assert large == small
    assert small[0] <= 30
