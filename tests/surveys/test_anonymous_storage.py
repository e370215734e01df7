"""Anonymous means no link from an answer to a person is stored anywhere: every table of the
database is read before and after an answer is sent (through the page), and what changed is
inspected column by column."""

import datetime
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from people.audience import Audience
from surveys.services import survey_open
from tests.surveys.helpers import survey_with_all_kinds, valid_answers

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, tuple[list[str], set[tuple]]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the introspection
            columns = [c[0] for c in cursor.description]
            tables[table] = (columns, {tuple(row) for row in cursor.fetchall()})
    return tables


def _changes(before, after):
    changed = {}
    for table, (columns, rows) in after.items():
        old = before.get(table, (columns, set()))[1]
        added, removed = rows - old, old - rows
        if added or removed:
            changed[table] = (columns, added, removed)
    return changed


def _post_answers(client, survey, employee):
    invitation = survey.invitations.get(employee=employee)
    data = {f"q{k}": v for k, v in valid_answers(survey).items()}
    client.force_login(employee.user)
    before = _snapshot()
    response = client.post(reverse("surveys:answer", args=[invitation.token]), data)
    assert response.status_code == 200
    assert "have been received" in response.content.decode()
    return before, _snapshot()


def test_an_anonymous_answer_stores_no_link_to_the_person(client, personas, employee):
    survey = survey_open(
        survey=survey_with_all_kinds(
            audience=Audience.of("department", department=employee.department), breakdown_side=True
        )
    )
    before, after = _post_answers(client, survey, employee)
    changed = _changes(before, after)
    assert set(changed) == {"surveys_invitation", "surveys_response", "surveys_answer"}

    # The invitation: only `answered` changed, from false to true; no time anywhere in the row.
    columns, added, removed = changed["surveys_invitation"]
    assert len(added) == len(removed) == 1
    new, old = dict(zip(columns, next(iter(added)), strict=True)), dict(zip(columns, next(iter(removed)), strict=True))
    assert {c for c in columns if new[c] != old[c]} == {"answered"}
    assert (old["answered"], new["answered"]) == (False, True)
    assert not any(isinstance(v, datetime.datetime | datetime.time) for v in new.values())

    # The response: a random key, no person, no time; the declared attributes only.
    columns, added, removed = changed["surveys_response"]
    assert not removed
    assert len(added) == 1
    row = dict(zip(columns, next(iter(added)), strict=True))
    assert set(columns) == {
        "id",
        "survey_id",
        "follow_up",
        "employee_id",
        "submitted_at",
        "department_id",
        "job_group_id",
        "side",
    }
    assert uuid.UUID(str(row["id"])).version == 4
    assert row["employee_id"] is None
    assert row["submitted_at"] is None
    assert (row["department_id"], row["job_group_id"], row["side"]) == (
        employee.department_id,
        employee.job_group_id,
        "employees",
    )

    # The answers: random keys, the response's key, the question and the value; no time.
    columns, added, removed = changed["surveys_answer"]
    assert not removed
    assert len(added) == 7
    assert set(columns) == {"id", "response_id", "question_id", "value", "text"}
    for values in added:
        answer = dict(zip(columns, values, strict=True))
        assert uuid.UUID(str(answer["id"])).version == 4
        assert answer["response_id"] == row["id"]

    # No key of the new rows points at the person, and no text holds their name, e-mail or link.
    texts = {employee.email, employee.first_name, employee.last_name, survey.invitations.get(employee=employee).token}
    declared = {"survey_id", "question_id", "department_id", "job_group_id", "response_id"}
    for table in ("surveys_response", "surveys_answer"):
        for values in changed[table][1]:
            named = dict(zip(changed[table][0], values, strict=True))
            keys = {k: v for k, v in named.items() if k.endswith("_id") and k not in declared and v is not None}
            assert keys == {}
            assert not [v for v in named.values() if isinstance(v, str) and any(t in v for t in texts)]


def test_undeclared_attributes_are_not_captured(client, personas, employee):
    survey = survey_open(
        survey=survey_with_all_kinds(
            audience=Audience.of("department", department=employee.department),
            breakdown_department_depth=None,
            breakdown_job_group=False,
        )
    )
    before, after = _post_answers(client, survey, employee)
    columns, added, _removed = _changes(before, after)["surveys_response"]
    row = dict(zip(columns, next(iter(added)), strict=True))
    assert (row["department_id"], row["job_group_id"], row["side"]) == (None, None, "")


def test_closing_rewrites_every_invitation_row(personas, employee, other_employee):
    """So the database's row versions no longer tell in which transaction someone answered."""
    from surveys.services import survey_close
    from tests.surveys.helpers import answer

    survey = survey_open(survey=survey_with_all_kinds())
    answer(survey, employee)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_invitation WHERE survey_id = %s", [survey.pk])
        assert cursor.fetchone()[0] >= 1
        survey_close(survey=survey)
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM surveys_invitation WHERE survey_id = %s", [survey.pk])
        assert cursor.fetchone()[0] == 1
