"""Monitoring's downloads give the figures of the page they are downloaded from (issue 21): the kept
ones when the page reads them (equal to the live ones when nothing changed), live when none are
kept or the page was fresh (`?fresh=1` rides along in its download links); every aggregate file says
when its figures were worked out (filename and a last column); so does a people download, which
reads each person's kept figures; the kept downloads' query count holds as the organisation grows,
and they run no fact statement."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import Enrolment
from monitoring.models import KeptFigures
from monitoring.periods import Period
from monitoring.selectors import kept_figures, kept_months
from monitoring.services import figures_keep_due
from people.audience import EVERYONE
from tests.catalog.factories import EnrolmentFactory
from tests.exports import body
from tests.factories import EmployeeFactory
from tests.monitoring.test_kept import grow_and_keep

pytestmark = pytest.mark.django_db
DASHBOARD = ["metrics", "departments", "job_groups", "levels", "formats", "months"]
STAMP = re.compile(r"-(\d{4}-\d{2}-\d{2})-(\d{2})(\d{2})\.(csv|xlsx)\"$")


def _urls(personas) -> list[tuple[str, str]]:
    """(who, url) of every aggregate download the three pages offer."""
    department = f"/monitoring/departments/{personas.hr.department_id}/"  # the root: it has sub-departments
    return [
        *[("hr", f"/monitoring/?export=csv&table={table}") for table in DASHBOARD],
        ("hr", f"{department}?export=csv&table=metrics"),
        ("hr", f"{department}?export=csv&table=departments"),
        ("manager", "/monitoring/team/?export=csv&table=metrics"),
    ]


def _file(client, url) -> tuple[list[list[str]], str]:
    """The download's rows and the time its filename carries ("2026-12-01 00:40")."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.streaming
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    day, hour, minute, _ext = STAMP.search(response["Content-Disposition"]).groups()
    return rows, f"{day} {hour}:{minute}"


def _rows(client, url) -> list[list[str]]:
    """A download's rows, whose name carries no time (worked out now)."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert not STAMP.search(response["Content-Disposition"]), url
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def _figures(rows) -> list[list[str]]:
    """The rows without the last column (when they were worked out)."""
    assert rows[0][-1] == "Figures worked out at"
    return [row[:-1] for row in rows]


def _activity(personas):
    for person in (personas.employee, personas.other_employee, personas.indirect_report):
        EnrolmentFactory(employee=person, status="completed")
    Enrolment.objects.update(started_at=timezone.now(), completed_at=timezone.now())


@pytest.fixture
def clients(client_for, personas, monkeypatch):
    monkeypatch.setattr("monitoring.services.TEAM_KEPT_FROM", 1)  # the manager's team is kept too
    _activity(personas)
    return {"hr": client_for(personas.hr), "manager": client_for(personas.manager)}


def test_every_kept_download_equals_the_live_one_and_says_when_it_was_worked_out(clients, personas):
    live = {url: _file(clients[who], url) for who, url in _urls(personas)}
    figures_keep_due()
    kept = kept_figures(EVERYONE, Period.this_year())
    months = kept_months(EVERYONE, Period.this_year())

    def stamp(at):
        return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"

    for who, url in _urls(personas):
        rows, named = _file(clients[who], url)
        assert _figures(rows) == _figures(live[url][0]), url
        assert len(rows) > 1, url
        expected = stamp(months.taken_at if url.endswith("=months") else kept.taken_at)
        assert named == expected, url
        assert {row[-1] for row in rows[1:]} == {expected}, url
        fresh, _named = _file(clients[who], url + "&fresh=1")
        assert _figures(fresh) == _figures(rows), url


def test_a_download_from_a_fresh_page_is_live_and_from_a_kept_page_is_the_kept_one(clients, personas):
    figures_keep_due()
    kept = {url: _file(clients[who], url)[0] for who, url in _urls(personas)}
    for _n in range(3):  # what happens after the night: the kept figures do not have it yet
        EnrolmentFactory(employee=EmployeeFactory(department=personas.employee.department, manager=personas.manager))
    Enrolment.objects.update(started_at=timezone.now(), completed_at=timezone.now())
    page = clients["hr"].get("/monitoring/?fresh=1").content.decode()
    assert "?fresh=1&amp;export=csv&amp;table=metrics" in page
    assert "?fresh=1&amp;export=xlsx&amp;table=months" in page
    changed = 0
    for who, url in _urls(personas):
        assert _file(clients[who], url)[0] == kept[url], url  # the page reads the kept ones: so does its file
        fresh, named = _file(clients[who], url + "&fresh=1")
        changed += _figures(fresh) != _figures(kept[url])
        assert {row[-1] for row in fresh[1:]} == {named}
    # what changed shows in every file of the metrics and departments; a format or month or job
    # group or level row may hold the same figures
    assert changed >= 4
    KeptFigures.objects.all().delete()  # before the first night: live, as the page
    for who, url in _urls(personas):
        assert _figures(_file(clients[who], url)[0]) == _figures(_file(clients[who], url + "&fresh=1")[0]), url


def test_the_kept_excel_download_carries_the_time_in_its_name_and_a_column(clients, personas):
    figures_keep_due()
    at = timezone.localtime(kept_figures(EVERYONE, Period.this_year()).taken_at)
    response = clients["hr"].get("/monitoring/?export=xlsx&table=departments")
    assert f'monitoring-departments-{at:%Y-%m-%d-%H%M}.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert sheet.title == "monitoring-departments"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Department"
    assert rows[0][-1] == "Figures worked out at"
    assert {row[-1] for row in rows[1:]} == {f"{at:%Y-%m-%d %H:%M}"}


def test_the_column_reads_in_dutch(clients, personas):
    figures_keep_due()
    clients["hr"].cookies["django_language"] = "nl"
    rows, _named = _file(clients["hr"], "/monitoring/?export=csv&table=metrics")
    assert rows[0][-1] == "Cijfers berekend op"


def _people_urls(personas) -> list[tuple[str, str]]:
    """(who, url) of the people downloads: a department's (the root's, its subtree) and a team's."""
    department = f"/monitoring/departments/{personas.hr.department_id}/"
    return [("hr", f"{department}?export=csv&table=people"), ("manager", "/monitoring/team/?export=csv&table=people")]


def test_the_people_downloads_read_each_persons_kept_figures_equal_to_the_live_ones(clients, personas):
    """Each person's own figures are kept with the running period's sums: the downloads read them
    (every person once, in the same order, with the same figures as live) and say when they were
    worked out; before the first night, and from a fresh page, they are worked out now."""
    live = {url: _rows(clients[who], url) for who, url in _people_urls(personas)}
    for url, rows in live.items():
        assert rows[0][-1] == "Looked at their budget", url  # worked out now: no time to say
        assert any(row[3] == "1" for row in rows[1:]), url  # someone began a training
    figures_keep_due()
    at = timezone.localtime(kept_figures(EVERYONE, Period.this_year()).taken_at)
    for who, url in _people_urls(personas):
        rows, named = _file(clients[who], url)
        assert _figures(rows) == live[url], url
        assert named == f"{at:%Y-%m-%d %H:%M}", url
        assert {row[-1] for row in rows[1:]} == {named}, url
    for _n in range(2):  # after the night: the kept rows do not have it yet, a fresh download does
        EnrolmentFactory(employee=personas.employee, status="completed")
    Enrolment.objects.update(started_at=timezone.now(), completed_at=timezone.now())
    for who, url in _people_urls(personas):
        assert _figures(_file(clients[who], url)[0]) == live[url], url
        rows = _rows(clients[who], url + "&fresh=1")
        assert rows[0][-1] == "Looked at their budget", url
        mine = next(row for row in rows if row[0] == personas.employee.full_name)
        before = next(row for row in live[url] if row[0] == personas.employee.full_name)
        assert int(mine[3]) == int(before[3]) + 2, url


def test_a_small_teams_and_a_closed_periods_people_download_are_worked_out_now(client_for, personas):
    """Not kept: a team under TEAM_KEPT_FROM people (its page is live too) and a closed period (the
    night keeps the running periods' people only)."""
    _activity(personas)
    figures_keep_due()
    team = client_for(personas.manager).get("/monitoring/team/?export=csv&table=people")
    assert team["Content-Disposition"] == 'attachment; filename="team-people.csv"'
    assert "Figures worked out at" not in body(team).decode("utf-8-sig")
    year = timezone.localdate().year - 1
    url = f"/monitoring/departments/{personas.hr.department_id}/?year={year}&export=csv&table=people"
    closed = client_for(personas.hr).get(url)
    assert closed.status_code == 200
    assert closed["Content-Disposition"] == 'attachment; filename="department-people.csv"'
    assert kept_figures(EVERYONE, Period.year(year)) is not None  # its sums are kept, its people not


def test_the_people_excel_download_carries_the_time_too(clients, personas):
    figures_keep_due()
    at = timezone.localtime(kept_figures(EVERYONE, Period.this_year()).taken_at)
    response = clients["hr"].get(f"/monitoring/departments/{personas.hr.department_id}/?export=xlsx&table=people")
    assert f'department-people-{at:%Y-%m-%d-%H%M}.xlsx"' in response["Content-Disposition"]
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(body(response))).active.iter_rows()]
    assert rows[0][-1] == "Figures worked out at"
    assert len(rows) > 2


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body(response)
    assert response.status_code == 200, url
    return len(ctx)


def _fact_statements(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        body(client.get(url))
    return sum("catalog_enrolment" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize("urls_of", [_urls, _people_urls], ids=["tables", "people"])
def test_the_kept_downloads_keep_their_query_count_as_the_organisation_grows(clients, personas, urls_of):
    """The table downloads and the people downloads alike: the same queries for 2 and 62 more
    people, and no fact statement (the kept row and months, or the kept people's rows; names)."""
    grow_and_keep(personas, 2)
    urls = urls_of(personas)
    for who, url in urls:
        _count(clients[who], url)  # warm sessions
    small = [_count(clients[who], url) for who, url in urls]
    grow_and_keep(personas, 60)
    assert [_count(clients[who], url) for who, url in urls] == small
    for who, url in urls:
        assert _fact_statements(clients[who], url) == 0, url
        assert _fact_statements(clients[who], url + "&fresh=1") > 0, url


def test_a_people_download_says_what_the_page_says_of_each_person_kept_or_live(small, hr, client_for, time_machine):
    """On the hand-built organisation (conftest.py), in December 2025: each person's row of the
    organisation's people download holds the figures the page's people table shows
    (reports.people_rows), with hours and budget use to the cent, read from the kept rows and
    worked out now alike."""
    from monitoring.reports import people_page_queryset, people_rows
    from people.audience import Audience, AudienceKind

    time_machine.move_to("2025-12-20 10:00")
    hr = client_for(hr)
    audience = Audience.of(AudienceKind.DEPARTMENT, department=small.org)
    period = Period.this_year()
    cent = Decimal("0.01")
    expected = [
        [
            r.employee.full_name,
            r.employee.department.name,
            r.employee.job_group.name if r.employee.job_group else "",
            str(r.began),
            str(r.finished),
            str(Decimal(r.hours).quantize(cent)),
            "yes" if r.attended else "no",
            "" if r.budget_use.value is None else str(r.budget_use.value.quantize(cent)),
            "yes" if r.viewed_budget else "no",
        ]
        for r in people_rows(audience, period, people_page_queryset(audience))
    ]
    assert any(row[5] != "0.00" for row in expected)
    assert any(row[7] not in ("", "0.00") for row in expected)
    url = f"/monitoring/departments/{small.org.pk}/?export=csv&table=people"
    assert _rows(hr, url)[1:] == expected
    figures_keep_due()
    rows, _named = _file(hr, url)
    assert _figures(rows)[1:] == expected
