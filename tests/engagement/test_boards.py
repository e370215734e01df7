"""The boards (issue 19): one quarter at a time, per team or department, names only after opting
in, the same in the page, the export and the API; each person's own activity page; the query
counts of every page."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.models import ActivityKind, Participant
from engagement.selectors import Quarter
from engagement.services import activity_record, participant_named_set
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()
LAST_YEAR = datetime(NOW.year - 1, 2, 1, 9, tzinfo=UTC)


def _points(employee, n: int, *, at=None):
    """n completions (10 points each) on different items, spread over the days."""
    for i in range(n):
        activity_record(
            employee_id=employee.pk,
            kind=ActivityKind.COMPLETED,
            source=f"enrolment:{employee.pk}-{i}",
            subject=f"item:{i}",
            at=(at or NOW) - timezone.timedelta(minutes=i),
        )


@pytest.fixture
def board(personas):
    """In Customer Service: the employee (opted in, 20 points), the team lead (not, 30), the
    manager (opted in, 10); last year's activity does not count this quarter."""
    _points(personas.employee, 2)
    _points(personas.team_lead, 3)
    _points(personas.manager, 1)
    _points(personas.indirect_report, 5, at=LAST_YEAR)
    participant_named_set(employee=personas.employee, named=True)
    participant_named_set(employee=personas.manager, named=True)
    return personas


def _service_url(p, name="engagement:board_scope"):
    return reverse(name, args=["department", p.employee.department_id])


def test_the_department_board_names_only_those_who_opted_in(board, client, django_assert_max_num_queries):
    client.force_login(board.manager.user)
    with django_assert_max_num_queries(12):
        response = client.get(_service_url(board))
    rows = [(r.rank, r.name, r.points) for r in response.context["rows"]]
    assert rows == [
        (1, "a colleague", 30),
        (2, board.employee.full_name, 20),
        (3, board.manager.full_name, 10),
    ]
    html = response.content.decode()
    assert board.team_lead.full_name not in html


def test_a_quarter_is_counted_alone_never_all_time(board, client):
    client.force_login(board.hr.user)
    last_year = Quarter.of(LAST_YEAR.date())
    response = client.get(_service_url(board), {"period": last_year.key})
    # five completions on one day, held to the daily cap of 30
    assert [(r.name, r.points) for r in response.context["rows"]] == [("a colleague", 30)]


def test_the_export_names_the_same_people_as_the_page(board, client):
    client.force_login(board.employee.user)
    response = client.get(_service_url(board, "engagement:board_export"))
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[1:] == [
        "1,a colleague,30",
        f"2,{board.employee.full_name},20",
        f"3,{board.manager.full_name},10",
    ]


def test_the_api_names_the_same_people_as_the_page(board, api, django_assert_max_num_queries):
    client = api("reporting:read")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:engagement-board", args=[board.employee.department_id]))
    assert response.status_code == 200
    assert [(r["name"], r["named"], r["points"]) for r in response.json()["rows"]] == [
        ("a colleague", False, 30),
        (board.employee.full_name, True, 20),
        (board.manager.full_name, True, 10),
    ]


def test_opting_out_again_makes_a_person_a_colleague(board, client):
    client.force_login(board.employee.user)
    response = client.post(reverse("engagement:named"), {})
    assert response.status_code == 302
    assert Participant.objects.get(employee=board.employee).named is False
    rows = client.get(_service_url(board)).context["rows"]
    assert [r.name for r in rows] == ["a colleague", "a colleague", board.manager.full_name]
    assert [r.is_me for r in rows] == [False, True, False]


def test_the_team_board_holds_only_the_team(board, client):
    client.force_login(board.employee.user)
    response = client.get(reverse("engagement:board_scope", args=["team", board.manager.pk]))
    # the manager's whole team (directly and not, the manager too); not Finance's people
    assert sorted(r.points for r in response.context["rows"]) == [10, 20, 30]


def test_a_finance_colleague_cannot_open_the_service_board(board, client):
    client.force_login(board.other_employee.user)
    assert client.get(_service_url(board)).status_code == 404
    assert client.get(_service_url(board, "engagement:board_export")).status_code == 404


def test_my_activity_shows_each_line_and_how_it_counted(board, client, django_assert_max_num_queries):
    client.force_login(board.employee.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagement:mine"))
    assert response.context["total"] == 20
    assert [(line.kind, line.points, line.outcome) for line in response.context["lines"]] == [
        ("completed", 10, "counted"),
        ("completed", 10, "counted"),
    ]
    assert "checked" in response.content.decode()


def test_the_query_count_of_a_board_does_not_grow_with_its_people(board, client, django_assert_max_num_queries):
    for _ in range(15):
        person = EmployeeFactory(department=board.employee.department)
        _points(person, 1)
        participant_named_set(employee=person, named=True)
    client.force_login(board.hr.user)
    with django_assert_max_num_queries(12):
        response = client.get(_service_url(board))
    assert len(response.context["rows"]) == 18


def test_the_manage_page_lists_the_most_active_with_names_for_ld(board, client, django_assert_max_num_queries):
    client.force_login(board.hr.user)
    # rules, most active, rewards, the pool, the suggestions (two), the session and the roles
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement:manage"))
    assert [(r["employee__last_name"], r["total"]) for r in response.context["active"]][:1] == [
        (board.team_lead.last_name, 30)
    ]


def test_ld_tunes_a_rule_on_the_manage_page(personas, client):
    client.force_login(personas.hr.user)
    response = client.post(
        reverse("engagement:manage"),
        {"rule-kind": "attended", "rule-points": "4", "rule-daily_cap": "8", "rule-repeat_days": "0"},
    )
    assert response.status_code == 302
    line = activity_record(employee_id=personas.employee.pk, kind=ActivityKind.ATTENDED, source="a:1")
    assert line.points == 4


def test_the_admin_shows_a_ledger_line_without_its_machine_keys(personas, client):
    from tests.guard.checks import page_defects

    line = activity_record(
        employee_id=personas.employee.pk,
        kind=ActivityKind.ATTENDED,
        source="attendance:3:2026-11-27T08:00:00+00:00",
        subject="moment:3",
        label="Tuesday learning",
    )
    client.force_login(personas.hr.user)
    response = client.get(reverse("admin:engagement_activity_change", args=[line.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuesday learning" in html
    assert page_defects(html, "en") == []


def test_a_team_board_and_its_export_cost_the_same_for_thousands_of_indirect_reports(board, client):
    """The team stays a subquery the database joins, never a list of ids read first: the page and
    the export run the same queries for the manager's team of four and for thousands more below
    them; the export holds everyone with points (not only the page's top), in rank order."""
    from tests.bigteam import grow_team, page_queries
    from tests.exports import body

    client.force_login(board.manager.user)
    page = reverse("engagement:board_scope", args=["team", board.manager.pk])
    export = reverse("engagement:board_export", args=["team", board.manager.pk])
    small, _html = page_queries(client, page)
    client.get(export)
    with CaptureQueriesContext(connection) as small_export:
        body(client.get(export))

    grown = grow_team(board.manager, 3000)
    for person in grown[:25]:
        _points(person, 1)
    for person in grown[:3]:
        participant_named_set(employee=person, named=True)
    large, html = page_queries(client, page)
    assert large == small, (small, large)
    assert html.count("<tr") == 1 + 20  # the header and the top twenty
    with CaptureQueriesContext(connection) as large_export:
        response = client.get(export)
        text = body(response).decode("utf-8-sig")
    assert response.streaming
    assert len(large_export) == len(small_export), (len(small_export), len(large_export))
    lines = text.splitlines()
    assert lines[:3] == ["Rank,Name,Points", "1,a colleague,30", f"2,{board.employee.full_name},20"]
    assert len(lines) == 1 + 3 + 25  # everyone with points: the team's three and the grown 25
    assert lines[-1] == "3,a colleague,10"  # the manager and 25 grown share ten points, third
    assert f"3,{grown[0].full_name},10" in lines
