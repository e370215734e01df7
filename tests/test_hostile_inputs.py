"""A corpus of hostile inputs replayed against every JSON endpoint and upload: NUL characters, lone
surrogates, deep nesting, huge fields, out-of-range dates and numbers, wrong types, wrong content
types and oversized bodies. Each answers a 4xx in the documented JSON shape (pages: a form error),
never a 500, and changes nothing in the database."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgets.models import LedgerEntry
from catalog.models import Enrolment, LearningItem
from hris.services import api_client_create
from people.models import Department, Employee, JobGroup

DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000

# (method, path, body): every JSON endpoint that takes a body, with a body that is otherwise plausible.
JSON_WRITES = [
    ("post", "/api/v1/departments/", {"external_id": "D-X", "name": "X"}),
    ("post", "/api/v1/job-groups/", {"external_id": "J-X", "name": "X"}),
    ("post", "/api/v1/employees/", {"external_id": "E-X", "first_name": "A", "last_name": "B", "email": "a@b.nl"}),
    ("post", "/api/v1/learning-items/", [{"provider": "P", "provider_key": "k", "title": "T", "format": "webinar"}]),
    ("post", "/api/v1/enrolments/", {"employee_external_id": "E-1", "item_id": 1}),
    ("post", "/api/v1/mandatory-rules/", {"item": 1, "audience": {"kind": "everyone"}}),
    ("post", "/api/v1/hris/sync", {"departments": [{"external_id": "D-X", "name": "X"}]}),
    ("post", "/api/v1/notifications/read/", {}),
    ("post", "/scim/v2/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x"}),
    ("post", "/scim/v2/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "x"}),
]


def _replace_strings(value, text):
    if isinstance(value, dict):
        return {k: _replace_strings(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_strings(v, text) for v in value]
    return text if isinstance(value, str) and value not in {"everyone", "webinar"} else value


def hostile_bodies(body):
    """(name, raw bytes, content type) for one plausible body."""
    dumped = json.dumps(body)
    yield "nul", json.dumps(_replace_strings(body, "a\x00b")).encode(), "application/json"
    yield "surrogate", json.dumps(_replace_strings(body, "a\ud800b")).encode(), "application/json"
    yield "deep array", DEEP.encode(), "application/json"
    yield "deep object", DEEP_OBJECT.encode(), "application/json"
    yield "huge field", json.dumps(_replace_strings(body, "x" * 200_000)).encode(), "application/json"
    yield "wrong types", json.dumps(_replace_strings(body, 1e308)).encode(), "application/json"
    yield "not json", b"{'a': 1", "application/json"
    yield "form body", dumped.encode(), "application/x-www-form-urlencoded"
    yield "oversized", b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}', "application/json"
    yield "scalar", b"1", "application/json"
    yield "latin-1", dumped.replace('"', '"\xe9', 1).encode("latin-1"), "application/json"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model in (Department, JobGroup, Employee, LearningItem, Enrolment, LedgerEntry):
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def assert_json_error(response, path):
    assert response.status_code < 500, (path, response.status_code, response.content[:300])
    assert 400 <= response.status_code < 500, (path, response.status_code, response.content[:300])
    kind = response["Content-Type"]
    assert "json" in kind, (path, response.status_code, kind, response.content[:300])
    body = response.json()
    if path.startswith("/scim/"):
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"], body
        assert body["status"] == str(response.status_code), body
    else:
        assert_documented_error(body)


def assert_documented_error(body):
    """hris.schema.ERROR_SCHEMA: `detail` (a message), `errors` (problems with JSON-pointer paths), or
    field names with their messages."""
    assert isinstance(body, dict), body
    assert body, body
    if "detail" in body or "errors" in body:
        assert isinstance(body.get("detail", ""), str), body
        for error in body.get("errors", []):
            assert set(error) == {"path", "code", "message"}, body
    else:
        assert all(isinstance(messages, list | dict) for messages in body.values()), body


@pytest.fixture
def writer(db, settings):
    settings.HRIS_API_THROTTLE_RATE = "100000/minute"
    _client, token = api_client_create(name="hostile", scopes=["hris:write", "reporting:read", "lms:write"])
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(("method", "path", "body"), JSON_WRITES, ids=[f"{m} {p}" for m, p, _b in JSON_WRITES])
def test_every_json_endpoint_refuses_hostile_bodies_in_json_and_changes_nothing(writer, method, path, body):
    before = fingerprint()
    for name, raw, content_type in hostile_bodies(body):
        if name == "huge field" and path.startswith("/scim/"):
            continue  # SCIM cuts a name to its column (docs/security.md)
        response = getattr(writer, method)(path, data=raw, content_type=content_type)
        assert_json_error(response, f"{path} [{name}]")
    assert fingerprint() == before


HOSTILE_GETS = [
    "/api/v1/employees/%00/",
    "/api/v1/employees/by-external-id/%00/",
    "/api/v1/departments/%00/",
    "/api/v1/learning-items/%00/",
    "/api/v1/enrolments/99999999999999999999999/",
    "/api/v1/employees/?updated_since=2026-01-01T00:00:00%2B23:59",
    "/api/v1/employees/?updated_since=0001-01-01T00:00:00-23:59",
    "/api/v1/employees/?updated_since=%00",
    "/api/v1/departments/?updated_since=9999-12-31T23:59:59-23:59",
    "/api/v1/employees/?page_size=99999999999999999999999",
    "/api/v1/employees/?cursor=%00",
    "/api/v1/employees/?department=%00",
    "/api/v1/employees/?department=99999999999999999999999",
    "/api/v1/learning-items/?q=%00",
    "/api/v1/budgets/?employee=%00",
    "/scim/v2/Users/%00",
    "/scim/v2/Users?startIndex=99999999999999999999999",
    '/scim/v2/Users?filter=meta.lastModified gt "2026-01-01T00:00:00%2B23:59"',
    "/scim/v2/Users?filter=" + "(" * 300 + 'userName eq "a"' + ")" * 300,
    "/scim/v2/Users?filter=" + " or ".join(['userName eq "a"'] * 2000),
]


@pytest.mark.parametrize("path", HOSTILE_GETS)
def test_hostile_queries_never_crash_and_errors_are_json(writer, path):
    response = writer.get(path)
    assert response.status_code < 500, (path, response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert_json_error(response, path)


CATALOG_HEADER = "provider;provider_key;title;format;levels;language;duration_hours;cost;skills\n"
HRIS_HEADER = "Personeelsnummer;Voornaam;Achternaam;E-mail\n"
HOSTILE_CELLS = {
    "nul": "a\x00b",
    "huge": "x" * 131_073,
    "stray quote": 'a"b"c',
    "formula": '=HYPERLINK("http://evil.example/","x")',
    "surrogate escape": "\\ud800",
    "year 1": "0001-01-01",
    "huge number": "1e30",
}


def _catalog_csv(cell):
    return CATALOG_HEADER + f"P;K1;{cell};classroom;basic;nl;{cell};{cell};x\n"


@pytest.mark.parametrize("name", HOSTILE_CELLS)
def test_catalog_csv_import_refuses_hostile_cells_with_a_form_error(client_for, hr, name):
    before = fingerprint()
    upload = SimpleUploadedFile("items.csv", _catalog_csv(HOSTILE_CELLS[name]).encode(), content_type="text/csv")
    response = client_for(hr).post("/catalog/import/", {"file": upload})
    assert response.status_code == 400, response.content[:300]
    assert response.context["errors"], name
    assert fingerprint() == before


def test_a_cell_over_the_csv_field_limit_is_named_in_both_imports(client_for, hr):
    cell = "x" * 131_073
    catalog = SimpleUploadedFile("items.csv", _catalog_csv(cell).encode(), content_type="text/csv")
    response = client_for(hr).post("/catalog/import/", {"file": catalog})
    assert "Line 2 has a cell longer than 131,072 characters." in [e["message"] for e in response.context["errors"]]
    text = HRIS_HEADER + f"E1;{cell};B;a@b.nl\n"
    hris = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    response = client_for(hr).post("/hris/import/", {"file": hris, "mode": "partial"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Line 2 has a cell longer than 131,072 characters."]


@pytest.mark.parametrize("name", HOSTILE_CELLS)
def test_hris_csv_upload_never_crashes_on_hostile_cells(client_for, hr, name):
    text = HRIS_HEADER + f"E1;{HOSTILE_CELLS[name]};B;a@b.nl\n"
    upload = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    response = client_for(hr).post("/hris/import/", {"file": upload, "mode": "partial"})
    assert response.status_code in {200, 302}, response.content[:300]
    if name in {"nul", "huge"}:
        assert response.context["form"].errors["file"]


def test_a_nul_in_a_page_address_is_a_400_not_a_crash(client_for, employee):
    response = client_for(employee).get("/moments/feed/%00.ics")
    assert response.status_code == 400
    assert b"NUL" in response.content


# --- every endpoint, found by the URL resolver (a new endpoint is covered without being listed) ---

# Pages under /api/ that are not JSON endpoints, with the reason.
NOT_JSON = {
    "/api/docs/": "Swagger UI's HTML page (GET only)",
    "/api/redoc/": "ReDoc's HTML page (GET only)",
    "/api/schema/": "the OpenAPI document (GET only; its 405 comes in the schema's YAML, as negotiated)",
}


def _resolved_paths() -> list[str]:
    """Every URL under /api/ and /scim/ as a concrete path, its parameters filled with 1."""
    import re

    from django.urls import URLResolver, get_resolver

    raw = []

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern, text)
            else:
                raw.append(text)

    walk(get_resolver(), "")
    paths = set()
    for text in raw:
        if "<format>" in text or "(?P<format>" in text:
            continue  # DRF's format suffixes: the same views again
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
        path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
        path = "/" + path.replace("^", "").replace("$", "").replace("\\Z", "").replace("/?", "/").replace("\\", "")
        path = re.sub(r"/+", "/", path)
        if path.startswith(("/api/", "/scim/")) and path not in NOT_JSON:
            paths.add(path)
    return sorted(paths)


RESOLVED = _resolved_paths()
SEARCH_BODY = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": 'userName eq "x"'}
WRITE_METHODS = ("post", "put", "patch")


def test_the_resolver_finds_the_apis_of_every_app():
    prefixes = {"/api/v1/employees/", "/api/v1/hris/sync", "/api/v1/metrics/", "/api/v1/surveys/", "/scim/v2/Users"}
    assert {p for p in prefixes if any(path.startswith(p) for path in RESOLVED)} == prefixes
    assert len(RESOLVED) >= 30


@pytest.mark.parametrize("path", RESOLVED)
def test_every_resolved_endpoint_answers_the_corpus_with_a_json_4xx_and_changes_nothing(writer, path):
    plausible = next((body for _m, p, body in JSON_WRITES if p == path), None)
    if plausible is None:
        plausible = SEARCH_BODY if path.endswith(".search/") else {"name": "x", "external_id": "x"}
    before = fingerprint()
    for method in WRITE_METHODS:
        for name, raw, content_type in hostile_bodies(plausible):
            if name == "huge field" and path.startswith("/scim/"):
                continue  # SCIM cuts a name to its column (docs/security.md)
            response = getattr(writer, method)(path, data=raw, content_type=content_type)
            assert_json_error(response, f"{method.upper()} {path} [{name}]")
    assert fingerprint() == before


# Every form that uploads a file, by its page; each is in the corpus above (the CSV imports).
UPLOADS = {"catalog/templates/catalog/import.html", "hris/templates/hris/csv_upload.html"}


def test_every_upload_form_is_in_the_corpus():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = {
        str(path.relative_to(root))
        for path in [*root.glob("*/templates/**/*.html"), *root.glob("templates/**/*.html")]
        if "multipart/form-data" in path.read_text() or 'type="file"' in path.read_text()
    }
    assert found == UPLOADS
