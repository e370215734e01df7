"""The people resources of the REST API, Bearer tokens, the audit log, throttling, strict types."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hris.models import ApiAuditEntry, ApiClient, hash_token
from people.models import Employee
from people.signals import employees_changed
from tests.factories import DepartmentFactory, EmployeeFactory, JobGroupFactory

pytestmark = pytest.mark.django_db


def post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


# --- token personas × every API URL -------------------------------------------------------------

TOKENS = ("none", "hris_write", "reporting_read", "no_scope", "revoked", "expired")


def _client(persona, api):
    return {
        "none": lambda: Client(),
        "hris_write": lambda: api("hris:write"),
        "reporting_read": lambda: api("reporting:read"),
        "no_scope": lambda: api(),
        "revoked": lambda: api("hris:write", revoked=True),
        "expired": lambda: api("hris:write", expired=True),
    }[persona]()


READ = {"none": 401, "hris_write": 200, "reporting_read": 200, "no_scope": 403, "revoked": 401, "expired": 401}
WRITE = {"none": 401, "hris_write": 200, "reporting_read": 403, "no_scope": 403, "revoked": 401, "expired": 401}
CREATED = {**WRITE, "hris_write": 201}
SCIM = {**WRITE}


def _fixture_objects():
    employee = EmployeeFactory(external_id="E-T1", email="t1@example.nl")
    return {"employee": employee, "department": employee.department, "job_group": employee.job_group}


TOKEN_ROWS = [
    ("get", "api:departments-list", None, None, READ),
    ("post", "api:departments-list", None, lambda o: {"name": "New"}, CREATED),
    ("get", "api:departments-detail", lambda o: {"pk": o["department"].pk}, None, READ),
    ("patch", "api:departments-detail", lambda o: {"pk": o["department"].pk}, lambda o: {"name": "Renamed"}, WRITE),
    ("put", "api:departments-detail", lambda o: {"pk": o["department"].pk}, lambda o: {"name": "Renamed"}, WRITE),
    ("get", "api:departments-by-external-id", lambda o: {"external_id": o["department"].external_id}, None, READ),
    (
        "patch",
        "api:departments-by-external-id",
        lambda o: {"external_id": o["department"].external_id},
        lambda o: {"name": "X"},
        WRITE,
    ),
    ("get", "api:job-groups-list", None, None, READ),
    ("post", "api:job-groups-list", None, lambda o: {"name": "New"}, CREATED),
    ("get", "api:job-groups-detail", lambda o: {"pk": o["job_group"].pk}, None, READ),
    ("patch", "api:job-groups-detail", lambda o: {"pk": o["job_group"].pk}, lambda o: {"name": "X"}, WRITE),
    ("get", "api:job-groups-by-external-id", lambda o: {"external_id": o["job_group"].external_id}, None, READ),
    ("get", "api:employees-list", None, None, READ),
    (
        "post",
        "api:employees-list",
        None,
        lambda o: {"first_name": "A", "last_name": "B", "email": "new@example.nl"},
        CREATED,
    ),
    ("get", "api:employees-detail", lambda o: {"pk": o["employee"].pk}, None, READ),
    ("patch", "api:employees-detail", lambda o: {"pk": o["employee"].pk}, lambda o: {"fte": 0.5}, WRITE),
    ("get", "api:employees-by-external-id", lambda o: {"external_id": "E-T1"}, None, READ),
    (
        "put",
        "api:employees-by-external-id",
        lambda o: {"external_id": "E-T1"},
        lambda o: {"first_name": "T", "last_name": "One", "email": "t1@example.nl"},
        WRITE,
    ),
    ("post", "api:employees-deactivate", lambda o: {"pk": o["employee"].pk}, None, WRITE),
    ("post", "api:hris-sync", None, lambda o: {"employees": []}, WRITE),
    ("get", "api:me", None, None, {**READ, "hris_write": 403, "reporting_read": 403}),
    ("get", "scim:users", None, None, SCIM),
    ("get", "scim:service_provider_config", None, None, SCIM),
]
CASES = [(row, persona) for row in TOKEN_ROWS for persona in TOKENS]


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r[0]}-{r[1]}-{p}" for r, p in CASES])
def test_token_access(row, persona, api):
    method, name, kwargs, data, expect = row
    objects = _fixture_objects()
    client = _client(persona, api)
    url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
    response = getattr(client, method)(url) if data is None else post(client, url, data(objects), method)
    assert response.status_code == expect[persona], response.content[:300]
    if response.status_code == 401:
        assert response.has_header("WWW-Authenticate")


def test_every_api_url_has_a_token_row():
    from tests.hris.access_table import ROWS

    api_names = {row.name for row in ROWS if row.name.startswith("api:")}
    assert api_names <= {row[1] for row in TOKEN_ROWS}


# --- tokens ----------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_the_command_prints_the_token_last():
    out = StringIO()
    call_command("create_api_client", "Payroll", "--scope", "hris:write", "--scope", "reporting:read", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="Payroll")
    assert client.token_hash == hash_token(token)
    assert token not in client.token_hash
    assert client.scopes == ["hris:write", "reporting:read"]
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/employees/").status_code == 200


def test_an_unknown_token_is_401_with_a_challenge():
    response = Client(headers={"Authorization": "Bearer nope"}).get("/api/v1/employees/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- resources -------------------------------------------------------------------------------


def test_list_filters_and_cursor_pagination(api, django_assert_num_queries):
    reader = api("reporting:read")
    dept = DepartmentFactory()
    boss = EmployeeFactory(department=dept)
    for _ in range(5):
        EmployeeFactory(department=dept, manager=boss)
    EmployeeFactory(active=False)
    body = reader.get("/api/v1/employees/", {"department": dept.pk, "page_size": 2}).json()
    assert len(body["results"]) == 2
    seen = [e["id"] for e in body["results"]]
    while body["next"]:
        body = reader.get(body["next"]).json()
        seen += [e["id"] for e in body["results"]]
    assert sorted(seen) == sorted(Employee.objects.filter(department=dept).values_list("pk", flat=True))
    assert len(reader.get("/api/v1/employees/", {"manager": boss.pk}).json()["results"]) == 5
    assert len(reader.get("/api/v1/employees/", {"active": "false"}).json()["results"]) == 1
    since = reader.get("/api/v1/employees/", {"updated_since": "2999-01-01T00:00:00Z"}).json()
    assert since["results"] == []
    assert reader.get("/api/v1/employees/", {"active": "maybe"}).status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_the_employee_list_runs_a_constant_number_of_queries(api, django_assert_num_queries, count):
    reader = api("reporting:read")
    for _ in range(count):
        EmployeeFactory()
    # token lookup, the page, the audit entry and its last-used stamp
    with django_assert_num_queries(4):
        assert reader.get("/api/v1/employees/").status_code == 200


def test_create_update_and_deactivate_go_through_the_services(writer):
    calls = []
    employees_changed.connect(lambda sender, **kw: calls.append(kw), weak=False, dispatch_uid="t")
    try:
        dept = DepartmentFactory()
        jg = JobGroupFactory()
        response = post(
            writer,
            "/api/v1/employees/",
            {
                "external_id": "E77",
                "first_name": "Zoë",
                "last_name": "de Vries",
                "email": "z@example.nl",
                "department": dept.pk,
                "job_group": jg.pk,
                "fte": 0.8,
            },
        )
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        assert calls[-1]["created"] == {pk}
        response = post(writer, "/api/v1/employees/by-external-id/E77/", {"fte": 0.6}, method="patch")
        assert response.status_code == 200
        assert response.json()["fte"] == 0.6
        assert calls[-1]["updated"] == {pk}
        response = writer.post(f"/api/v1/employees/{pk}/deactivate/")
        assert response.json()["active"] is False
        assert calls[-1]["deactivated"] == {pk}
    finally:
        employees_changed.disconnect(dispatch_uid="t")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": 5, "last_name": "B", "email": "a@example.nl"}, "first_name"),
        ({"first_name": "A", "last_name": "B", "email": "a@example.nl", "active": "true"}, "active"),
        ({"first_name": "A", "last_name": "B", "email": "a@example.nl", "department": "1"}, "department"),
        ({"first_name": "A", "last_name": "B", "email": "a@example.nl", "fte": "0.5"}, "fte"),
        ({"first_name": "A", "last_name": "B", "email": "a@example.nl", "fte": 2}, "fte"),
    ],
)
def test_strict_types_are_400_and_write_nothing(writer, data, field):
    before = Employee.objects.count()
    response = post(writer, "/api/v1/employees/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert Employee.objects.count() == before


def test_duplicates_are_a_409(writer):
    EmployeeFactory(external_id="E1", email="taken@example.nl")
    response = post(writer, "/api/v1/employees/", {"first_name": "A", "last_name": "B", "email": "TAKEN@example.nl"})
    assert response.status_code == 409
    assert "email" in response.json()


def test_a_non_integer_id_is_a_json_404(api):
    reader = api("reporting:read")
    for path in ("/api/v1/employees/abc/", "/api/v1/employees/1.5/", "/api/v1/nothing-here/"):
        response = reader.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path


def test_every_call_is_audited_with_client_method_path_and_status(api):
    reader = api("reporting:read")
    reader.get("/api/v1/employees/")
    reader.post("/api/v1/hris/sync", data="{}", content_type="application/json")
    entries = list(ApiAuditEntry.objects.order_by("pk").values_list("method", "path", "status"))
    assert entries == [("GET", "/api/v1/employees/", 200), ("POST", "/api/v1/hris/sync", 403)]


def test_throttling_is_per_client(api, settings):
    from django.core.cache import cache

    cache.clear()  # ids can repeat between tests on SQLite; the throttle keys on the client id
    settings.HRIS_API_THROTTLE_RATE = "2/minute"
    first, second = api("reporting:read", name="a"), api("reporting:read", name="b")
    assert [first.get("/api/v1/job-groups/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/job-groups/").status_code == 200


def test_the_schema_documents_every_error_response():
    import yaml

    schema = yaml.safe_load(Client().get("/api/schema/").content)
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            missing = {"400", "401", "403", "404", "409", "413", "429"} - set(operation["responses"])
            assert not missing, f"{method} {path} lacks {missing}"


def test_old_idempotency_keys_and_audit_entries_are_pruned_and_a_second_run_is_a_no_op(writer):
    from datetime import timedelta

    from django.utils import timezone

    from hris.models import IdempotencyRecord
    from hris.tasks import hris_records_prune_task

    from .conftest import base_payload, sync

    sync(writer, base_payload(1), **{"Idempotency-Key": "old"})
    sync(writer, base_payload(1), **{"Idempotency-Key": "new"})
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=8))
    ApiAuditEntry.objects.filter(pk=ApiAuditEntry.objects.order_by("pk").first().pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    assert hris_records_prune_task.delay().get() == (1, 1)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert hris_records_prune_task.delay().get() == (0, 0)
