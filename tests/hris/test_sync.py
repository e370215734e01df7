"""The bulk sync: all or nothing, every problem listed, idempotent, full-mode deactivation."""

import json
import threading

import pytest
from django.db import connection

from hris import sync as sync_module
from hris.models import ApiAuditEntry
from people.models import Department, Employee
from people.signals import employees_changed
from people.validators import CONTROL_CHARACTERS
from tests.factories import EmployeeFactory

from .conftest import base_payload, employee_row, people_fingerprint, sync

pytestmark = pytest.mark.django_db


def test_sync_creates_everything_with_references_in_any_order(writer):
    payload = base_payload(3)
    payload["employees"].reverse()  # managers listed after their reports
    response = sync(writer, payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["departments"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert body["job_groups"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert body["employees"] == {"created": 3, "updated": 0, "unchanged": 0, "deactivated": 0}
    e2 = Employee.objects.get(external_id="E2")
    assert e2.manager.external_id == "E1"
    assert e2.department.name == "Sales"
    assert e2.department.parent.external_id == "D1"
    assert str(e2.fte) == "0.80"


def test_the_same_payload_twice_reports_everything_unchanged(writer):
    assert sync(writer, base_payload(3)).status_code == 200
    before = people_fingerprint()
    body = sync(writer, base_payload(3)).json()
    assert body["departments"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert body["job_groups"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert body["employees"] == {"created": 0, "updated": 0, "unchanged": 3, "deactivated": 0}
    assert people_fingerprint() == before


def test_updates_are_counted_and_written(writer):
    sync(writer, base_payload(3))
    payload = base_payload(3)
    payload["employees"][1]["last_name"] = "Changed"
    payload["employees"][2]["active"] = False
    body = sync(writer, payload).json()
    assert body["employees"] == {"created": 0, "updated": 1, "unchanged": 1, "deactivated": 1}
    assert Employee.objects.get(external_id="E2").last_name == "Changed"
    assert not Employee.objects.get(external_id="E3").active


def test_full_mode_deactivates_the_absent_and_never_deletes(writer):
    sync(writer, base_payload(3))
    payload = base_payload(2, mode="full")
    body = sync(writer, payload).json()
    assert body["employees"]["deactivated"] == 1
    e3 = Employee.objects.get(external_id="E3")
    assert e3.active is False
    assert Employee.objects.count() == 3


def test_partial_mode_leaves_the_unlisted_alone(writer):
    sync(writer, base_payload(3))
    body = sync(writer, base_payload(2)).json()
    assert body["employees"]["deactivated"] == 0
    assert Employee.objects.get(external_id="E3").active


def test_dry_run_reports_the_same_summary_and_writes_nothing(writer):
    before = people_fingerprint()
    body = sync(writer, base_payload(3, dry_run=True)).json()
    assert body["dry_run"] is True
    assert body["employees"]["created"] == 3
    assert people_fingerprint() == before


def test_employees_changed_is_sent_once_with_the_id_sets(writer):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    employees_changed.connect(receiver)
    try:
        sync(writer, base_payload(3))
        assert len(calls) == 1
        assert calls[0]["created"] == set(Employee.objects.values_list("pk", flat=True))
        calls.clear()
        sync(writer, base_payload(1, mode="full"))
        assert len(calls) == 1
        gone = set(Employee.objects.filter(external_id__in=["E2", "E3"]).values_list("pk", flat=True))
        assert calls[0]["deactivated"] == gone
        calls.clear()
        sync(writer, base_payload(1, mode="full"))
        assert calls == []  # nothing changed, nothing sent
    finally:
        employees_changed.disconnect(receiver)


def _rejected(writer, payload, *expected):
    """Post, expect 400 with at least these (path, code) pairs, and nothing written."""
    before = people_fingerprint()
    response = (
        sync(writer, payload)
        if not isinstance(payload, bytes | str)
        else writer.post("/api/v1/hris/sync", data=payload, content_type="application/json")
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    got = {(e["path"], e["code"]) for e in errors}
    for pair in expected:
        assert pair in got, f"{pair} not in {got}"
    assert all(e["message"] for e in errors)
    assert people_fingerprint() == before
    return errors


def _with(n, field, value):
    payload = base_payload(3)
    payload["employees"][n][field] = value
    return payload


def _without(n, field):
    payload = base_payload(3)
    del payload["employees"][n][field]
    return payload


@pytest.mark.parametrize(
    ("payload", "path", "code"),
    [
        (_with(1, "first_name", 42), "/employees/1/first_name", "invalid_type"),
        (_with(1, "active", "yes"), "/employees/1/active", "invalid_type"),
        (_with(1, "fte", "a lot"), "/employees/1/fte", "invalid_type"),
        (_without(2, "email"), "/employees/2/email", "required"),
        (_without(0, "external_id"), "/employees/0/external_id", "required"),
        (_with(1, "department", "D99"), "/employees/1/department", "unknown_reference"),
        (_with(1, "job_group", "JG-X"), "/employees/1/job_group", "unknown_reference"),
        (_with(1, "manager", "E404"), "/employees/1/manager", "unknown_reference"),
        (_with(0, "manager", "E1"), "/employees/0/manager", "cycle"),
        (_with(1, "email", "PERSON1@example.nl"), "/employees/1/email", "duplicate"),
        (_with(1, "external_id", "E1"), "/employees/1/external_id", "duplicate"),
        (_with(1, "education_level", "phd"), "/employees/1/education_level", "invalid_choice"),
        (_with(1, "locale", "de"), "/employees/1/locale", "invalid_choice"),
        (_with(1, "fte", 0), "/employees/1/fte", "out_of_range"),
        (_with(1, "fte", 1.51), "/employees/1/fte", "out_of_range"),
        (_with(1, "hired_on", "01-03-2021"), "/employees/1/hired_on", "invalid"),
        (_with(1, "email", "not-an-address"), "/employees/1/email", "invalid"),
        (_with(1, "nickname", "Zo"), "/employees/1/nickname", "unknown_field"),
        ({**base_payload(1), "mode": "everything"}, "/mode", "invalid_choice"),
        ({**base_payload(1), "employees": {"E1": {}}}, "/employees", "invalid_type"),
    ],
)
def test_every_rejection_writes_nothing(writer, payload, path, code):
    _rejected(writer, payload, (path, code))


def test_a_manager_cycle_across_payload_and_database_is_caught(writer):
    sync(writer, base_payload(3))  # E2 and E3 report to E1
    payload = base_payload(0)
    payload["employees"] = [employee_row(1, manager="E2")]  # E1 -> E2 -> E1 (E2's manager is in the database)
    _rejected(writer, payload, ("/employees/0/manager", "cycle"))


def test_a_department_cycle_across_payload_and_database_is_caught(writer):
    sync(writer, base_payload(1))  # D10 under D1
    payload = {"departments": [{"external_id": "D1", "name": "Org", "parent": "D10"}]}
    _rejected(writer, payload, ("/departments/0/parent", "cycle"))


def test_duplicate_email_against_another_employee_in_any_letter_case(writer):
    EmployeeFactory(email="Taken@Example.nl", external_id="X1")
    _rejected(writer, _with(1, "email", "taken@EXAMPLE.nl"), ("/employees/1/email", "duplicate"))


def test_moving_an_address_between_employees_in_one_payload_is_allowed(writer):
    sync(writer, base_payload(3))
    payload = base_payload(3)
    payload["employees"][1]["email"] = "person3@example.nl"
    payload["employees"][2]["email"] = "person2@example.nl"
    response = sync(writer, payload)
    assert response.status_code == 200, response.content
    assert Employee.objects.get(external_id="E2").email == "person3@example.nl"


def test_every_problem_is_listed_not_just_the_first(writer):
    payload = base_payload(3)
    payload["employees"][0]["fte"] = 9
    payload["employees"][1]["locale"] = "fr"
    payload["employees"][2]["manager"] = "NOPE"
    errors = _rejected(
        writer,
        payload,
        ("/employees/0/fte", "out_of_range"),
        ("/employees/1/locale", "invalid_choice"),
        ("/employees/2/manager", "unknown_reference"),
    )
    assert len(errors) == 3


def test_malformed_json_is_a_json_400(writer):
    errors = _rejected(writer, b'{"employees": [', ("", "malformed_json"))
    assert errors[0]["code"] == "malformed_json"


def test_an_oversized_body_is_refused_with_413(writer, settings):
    settings.HRIS_SYNC_MAX_BYTES = 1000
    before = people_fingerprint()
    response = sync(writer, base_payload(20))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "too_large"
    assert people_fingerprint() == before


def test_the_default_limit_is_64_mib_and_bodies_above_django_default_pass(writer, settings):
    assert settings.HRIS_SYNC_MAX_BYTES == 64 * 1024 * 1024
    payload = base_payload(1)
    payload["employees"] = [employee_row(i, department=None, job_group=None) for i in range(15000)]
    body = json.dumps(payload)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = writer.post("/api/v1/hris/sync", data=body, content_type="application/json")
    assert response.status_code == 200, response.content[:500]
    assert response.json()["employees"]["created"] == 15000


def test_an_idempotent_retry_returns_the_first_result_without_a_second_effect(writer):
    first = sync(writer, base_payload(3), **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 200
    after_first = people_fingerprint()
    retry = sync(writer, base_payload(3), **{"Idempotency-Key": "abc-1"})
    assert retry.status_code == 200
    assert retry.json() == first.json()  # "created": 3 again, not "unchanged"
    assert retry["Idempotent-Replayed"] == "true"
    assert people_fingerprint() == after_first


def test_problems_at_the_top_and_in_rows_together_are_a_400_in_payload_order(writer):
    payload = {"\u0014": 1, "employees": [employee_row(1, first_name=42)], "departments": [{"\u00b2": []}]}
    response = sync(writer, payload)
    assert response.status_code == 400, response.content[:300]
    paths = [e["path"] for e in response.json()["errors"]]
    assert paths[0] == "/\u0014"
    assert "/employees/0/first_name" in paths


def test_an_idempotency_key_over_200_characters_is_refused_never_cut(writer):
    """Two long keys that share their first 200 characters would collide if cut: both are refused."""
    from hris.models import IdempotencyRecord

    prefix = "k" * 200
    for key in (prefix + "A", prefix + "B"):
        response = sync(writer, base_payload(1), **{"Idempotency-Key": key})
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == [
            {"path": "Idempotency-Key", "code": "too_long", "message": "An Idempotency-Key has at most 200 characters."}
        ]
    assert not Employee.objects.exists()
    assert not IdempotencyRecord.objects.exists()
    assert sync(writer, base_payload(1), **{"Idempotency-Key": prefix}).status_code == 200  # 200 is fine
    assert IdempotencyRecord.objects.get().key == prefix


def test_a_rejected_request_replays_its_rejection(writer):
    payload = _with(1, "locale", "de")
    first = sync(writer, payload, **{"Idempotency-Key": "k2"})
    retry = sync(writer, payload, **{"Idempotency-Key": "k2"})
    assert first.status_code == retry.status_code == 400
    assert retry.json() == first.json()


def test_an_idempotency_key_reused_for_another_body_is_a_409(writer):
    sync(writer, base_payload(3), **{"Idempotency-Key": "k3"})
    before = people_fingerprint()
    response = sync(writer, base_payload(2, mode="full"), **{"Idempotency-Key": "k3"})
    assert response.status_code == 409
    assert people_fingerprint() == before


def test_every_call_is_audited(writer):
    sync(writer, base_payload(1))
    entry = ApiAuditEntry.objects.get()
    assert (entry.method, entry.path, entry.status) == ("POST", "/api/v1/hris/sync", 200)
    assert "employees 1+" in entry.summary


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locking", [True, False], ids=["locked", "negative-control-unlocked"])
def test_two_concurrent_syncs_cannot_interleave(require_postgres, monkeypatch, locking):
    """Two syncs create the same employee at once. With the advisory lock the second waits and
    finds it (unchanged); without it both validate against the same empty state and the second
    insert fails."""
    from django.db import connections

    Department.objects.create(name="Org", external_id="D10")
    _race_setup(monkeypatch, locking)
    payload = {"employees": [employee_row(1, department="D10", job_group=None)]}
    outcomes = []

    def run():
        try:
            outcomes.append(sync_module.hris_sync(payload=payload)["employees"])
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if locking:
        assert sorted(o["created"] for o in outcomes) == [0, 1]
        assert sorted(o["unchanged"] for o in outcomes) == [0, 1]
    else:
        assert "IntegrityError" in outcomes
    assert Employee.objects.filter(external_id="E1").count() == 1
    assert connection.vendor == "postgresql"


def _race_setup(monkeypatch, locking):
    """Both syncs read the database state before either writes. The negative control removes the
    guard production uses (the advisory lock, `_lock`); with it only one sync is inside at a time,
    so nobody waits for a partner."""
    barrier = threading.Barrier(2, timeout=10)
    load = sync_module._load_state

    def load_then_meet():
        state = load()
        if not locking:
            barrier.wait()
        return state

    monkeypatch.setattr(sync_module, "_load_state", load_then_meet)
    if not locking:
        monkeypatch.setattr(sync_module, "_lock", lambda: None)


@pytest.mark.parametrize("field", ["last_name", "email", "external_id", "department"])
def test_a_nul_character_is_refused_with_the_field_named_not_a_server_error(writer, field):
    value = "a\x00b@example.nl" if field == "email" else "a\x00b"
    _rejected(writer, _with(1, field, value), (f"/employees/1/{field}", "invalid"))


TRICKY_TEXT = [
    "back\\slash",
    "tab\there",
    "two\nlines",
    "carriage\rreturn",
    "\\.",
    "\\\\N",
    "\\N",  # COPY's NULL marker, as text
    'quote " and, comma',
    "\u00e9\u00e8 \u4e2d",
]


def _as_name(text: str) -> str:
    """Names refuse control characters (people.validators): in a name, their escapes as text."""
    return text.encode("unicode_escape").decode() if CONTROL_CHARACTERS.search(text) else text


def test_text_with_copy_special_characters_is_stored_as_sent_on_create_and_update(writer):
    """Rows are written with COPY: tabs, line breaks, backslashes, quotes and commas in text must
    arrive exactly as sent, through the insert and through the update (temporary table) alike.
    Names refuse control characters, so those travel in the HRIS keys (not E1's: the manager)."""
    payload = base_payload(len(TRICKY_TEXT))
    for index, (row, text) in enumerate(zip(payload["employees"], TRICKY_TEXT, strict=True)):
        row["first_name"] = _as_name(text)
        if index and CONTROL_CHARACTERS.search(text):
            row["external_id"] += text
    payload["departments"][0]["name"] = "\\ Sales, team"  # (text around it is trimmed, as by every way in)
    assert sync(writer, payload).status_code == 200
    stored = dict(Employee.objects.values_list("external_id", "first_name"))
    assert stored == {row["external_id"]: row["first_name"] for row in payload["employees"]}
    assert Department.objects.get(external_id="D10").name == "\\ Sales, team"

    for row, text in zip(payload["employees"], reversed(TRICKY_TEXT), strict=True):
        row["last_name"] = _as_name(text)
    response = sync(writer, payload)
    assert response.status_code == 200, response.content
    assert response.json()["employees"]["updated"] == len(TRICKY_TEXT)
    stored = dict(Employee.objects.values_list("external_id", "last_name"))
    assert stored == {row["external_id"]: row["last_name"] for row in payload["employees"]}
    assert sync(writer, payload).json()["employees"]["unchanged"] == len(TRICKY_TEXT)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locking", [True, False], ids=["locked", "negative-control-unlocked"])
def test_two_concurrent_retries_with_one_idempotency_key_have_one_effect(
    require_postgres, make_token, monkeypatch, locking
):
    """A client retries while its first request is still running. With the lock the retry waits and
    replays the first answer; without it both run the sync and one fails on the duplicate."""
    from django.db import connections
    from django.test import Client

    from hris.models import IdempotencyRecord

    token = make_token("hris:write")
    Department.objects.create(name="Org", external_id="D10")
    _race_setup(monkeypatch, locking)
    payload = {"employees": [employee_row(1, department="D10", job_group=None)]}
    outcomes = []

    def run():
        client = Client(headers={"Authorization": f"Bearer {token}"})
        try:
            response = sync(client, payload, **{"Idempotency-Key": "retry-1"})
            outcomes.append((response.status_code, response.json(), response.get("Idempotent-Replayed")))
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if locking:
        assert [o[0] for o in outcomes] == [200, 200]
        assert outcomes[0][1] == outcomes[1][1]
        assert outcomes[0][1]["employees"]["created"] == 1
        assert sorted(str(o[2]) for o in outcomes) == ["None", "true"]
        assert IdempotencyRecord.objects.count() == 1
    else:
        assert "IntegrityError" in outcomes
    assert Employee.objects.filter(external_id="E1").count() == 1
