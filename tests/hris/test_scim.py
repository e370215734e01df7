"""SCIM 2.0: scim2-tester's checks, filters, the PATCH shapes Entra ID and Okta send, errors."""

import json

import pytest
from django.core.wsgi import get_wsgi_application

from hris.models import ScimIdentity
from people.models import Department, Employee

pytestmark = pytest.mark.django_db(transaction=True)

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def scim(make_token):
    token = make_token("hris:write")

    class Scim:
        headers = {"Authorization": f"Bearer {token}"}

        def __init__(self):
            from django.test import Client

            self.client = Client(headers=self.headers)

        def call(self, method, path, body=None, **params):
            kwargs = {}
            if body is not None:
                kwargs = {"data": json.dumps(body), "content_type": "application/scim+json"}
            elif params:
                kwargs = {"data": params}
            return getattr(self.client, method)(f"/scim/v2{path}", **kwargs)

    return Scim()


def test_scim2_tester_passes_every_check(scim):
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import Status, check_server

    client = WSGISCIMClient(get_wsgi_application(), base_url="http://localhost/scim/v2", headers=scim.headers)
    results = check_server(client, raise_exceptions=False)
    failed = [(r.title, r.status.name, r.reason) for r in results if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert len(results) > 50
    assert failed == []


def _user(n, **extra):
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": f"user{n}@example.nl",
        "externalId": f"idp-{n}",
        "name": {"givenName": f"Given{n}", "familyName": f"Family{n}"},
        "emails": [{"value": f"user{n}@example.nl", "primary": True}],
        "active": True,
        ENTERPRISE: {"employeeNumber": f"E{n}", "department": "Sales"},
    }
    body.update(extra)
    return body


def test_create_user_maps_to_an_employee(scim):
    response = scim.call("post", "/Users", _user(1))
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    employee = Employee.objects.get(external_id="E1")
    assert employee.email == "user1@example.nl"
    assert employee.department.name == "Sales"
    assert ScimIdentity.objects.get(employee=employee).external_id == "idp-1"
    body = response.json()
    assert body["id"] == str(employee.pk)
    assert body[ENTERPRISE]["employeeNumber"] == "E1"


def test_filters_eq_co_sw_pr_and_or(scim):
    for n in range(1, 5):
        scim.call("post", "/Users", _user(n))

    def total(flt):
        response = scim.call("get", "/Users", filter=flt)
        assert response.status_code == 200, response.content
        return response.json()["totalResults"]

    assert total('userName eq "USER1@example.nl"') == 1
    assert total('userName co "user"') == 4
    assert total('name.familyName sw "Family"') == 4
    assert total("externalId pr") == 4
    assert total('userName eq "user1@example.nl" or userName eq "user2@example.nl"') == 2
    assert total('userName sw "user" and emails.value co "3@"') == 1
    assert total(f'{ENTERPRISE}:employeeNumber eq "E4"') == 1
    response = scim.call("get", "/Users", filter='userName zz "x"')
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_pagination_reports_total_results(scim):
    for n in range(1, 6):
        scim.call("post", "/Users", _user(n))
    body = scim.call("get", "/Users", startIndex=2, count=2).json()
    assert body["totalResults"] == 5
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 2
    assert len(body["Resources"]) == 2


def test_attributes_and_excluded_attributes(scim):
    pk = scim.call("post", "/Users", _user(1)).json()["id"]
    only = scim.call("get", f"/Users/{pk}", attributes="userName").json()
    assert set(only) == {"schemas", "id", "userName"}
    without = scim.call("get", f"/Users/{pk}", excludedAttributes="emails,name").json()
    assert "emails" not in without
    assert "name" not in without
    assert "userName" in without


def test_entra_id_patch_shape_deactivates(scim):
    pk = scim.call("post", "/Users", _user(1)).json()["id"]
    body = {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
    response = scim.call("patch", f"/Users/{pk}", body)
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert Employee.objects.get(pk=pk).active is False


def test_okta_patch_shape_deactivates(scim):
    pk = scim.call("post", "/Users", _user(1)).json()["id"]
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    response = scim.call("patch", f"/Users/{pk}", body)
    assert response.status_code == 200, response.content
    assert Employee.objects.get(pk=pk).active is False


def test_patch_manager_and_department_through_the_extension(scim):
    boss = scim.call("post", "/Users", _user(1)).json()["id"]
    pk = scim.call("post", "/Users", _user(2)).json()["id"]
    body = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": boss}},
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Finance"},
            {"op": "replace", "path": "emails[primary eq true].value", "value": "new2@example.nl"},
        ],
    }
    response = scim.call("patch", f"/Users/{pk}", body)
    assert response.status_code == 200, response.content
    employee = Employee.objects.get(pk=pk)
    assert employee.manager_id == int(boss)
    assert employee.department.name == "Finance"
    assert employee.email == "new2@example.nl"


def test_groups_are_departments_with_members(scim):
    a = scim.call("post", "/Users", _user(1)).json()["id"]
    b = scim.call("post", "/Users", _user(2)).json()["id"]
    response = scim.call(
        "post",
        "/Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Logistics",
            "members": [{"value": a}],
        },
    )
    assert response.status_code == 201, response.content
    gid = response.json()["id"]
    assert gid.startswith("g")  # unique across Users and Groups (RFC 7643 §3.1)
    department = Department.objects.get(pk=int(gid[1:]))
    patch = {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": b}]}]}
    assert scim.call("patch", f"/Groups/{gid}", patch).status_code == 200
    assert set(Employee.objects.filter(department=department).values_list("pk", flat=True)) == {int(a), int(b)}
    remove = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{a}"]'}]}
    assert scim.call("patch", f"/Groups/{gid}", remove).status_code == 200
    assert department.employees.count() == 1


def test_search_endpoints(scim):
    for n in range(1, 4):
        scim.call("post", "/Users", _user(n))
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": 'userName sw "user1"'}
    assert scim.call("post", "/Users/.search", body).json()["totalResults"] == 1
    assert scim.call("post", "/.search", body).json()["totalResults"] == 1


def test_delete_deactivates_and_hides_the_user(scim):
    pk = scim.call("post", "/Users", _user(1)).json()["id"]
    assert scim.call("delete", f"/Users/{pk}").status_code == 204
    assert scim.call("get", f"/Users/{pk}").status_code == 404
    assert Employee.objects.get(pk=pk).active is False  # history stays


def test_errors_are_in_scim_format(scim):
    response = scim.call("get", "/Users/999999")
    assert response.status_code == 404
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert response.json()["status"] == "404"
    scim.call("post", "/Users", _user(1))
    conflict = scim.call("post", "/Users", _user(1))
    assert conflict.status_code == 409
    assert conflict.json()["scimType"] == "uniqueness"
    bad = scim.call("post", "/Users", {"schemas": [], "userName": 5})
    assert bad.status_code == 400
    assert bad.json()["scimType"] == "invalidValue"


def test_scim_needs_hris_write(api):
    from django.test import Client

    assert Client().get("/scim/v2/Users").status_code == 401
    assert api("reporting:read").get("/scim/v2/Users").status_code == 403
    assert api("hris:write", revoked=True).get("/scim/v2/Users").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        _user(1, name={"givenName": "Gi\x00ven", "familyName": "F"}),
        _user(1, userName="user1\x00@example.nl"),
        _user(1, externalId="idp\x00-1"),
    ],
)
def test_a_nul_character_is_a_scim_400_not_a_server_error(scim, body):
    response = scim.call("post", "/Users", body)
    assert response.status_code == 400, response.content
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert not Employee.objects.exists()
    assert not ScimIdentity.objects.exists()


def test_a_nul_character_in_a_filter_is_an_invalid_filter(scim):
    response = scim.call("get", "/Users", filter='userName eq "a\x00b"')
    assert response.status_code == 400, response.content
    assert response.json()["scimType"] == "invalidFilter"


def _is_scim_error(response, status):
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(status)
    return body


def test_scim2_tester_passes_every_check_against_the_demo_organisation(scim):
    """Ids must be unique across Users and Groups (RFC 7643 §3.1): with the demo's departments and
    employees both numbered from 1, `search_with_attributes` found a Group where it asked a User."""
    from django.core.management import call_command
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import Status, check_server

    call_command("seed_demo", verbosity=0)
    assert Employee.objects.count() > 20
    assert Department.objects.count() > 5
    # On a fresh database the demo's departments and employees share numbers; here the sequences
    # run on from other tests, so make sure a department and an employee have the same one.
    pk = Employee.objects.order_by("-pk").values_list("pk", flat=True).first()
    Department.objects.get_or_create(pk=pk, defaults={"name": "Same number as an employee"})
    user_ids = {r["id"] for r in scim.call("get", "/Users", count=1000).json()["Resources"]}
    group_ids = {r["id"] for r in scim.call("get", "/Groups", count=1000).json()["Resources"]}
    assert user_ids
    assert group_ids
    assert not user_ids & group_ids
    client = WSGISCIMClient(get_wsgi_application(), base_url="http://localhost/scim/v2", headers=scim.headers)
    results = check_server(client, raise_exceptions=False)
    failed = [(r.title, r.status.name, r.reason) for r in results if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    assert len(results) > 50
    assert failed == []


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("get", "/Users/%00", {}),
        ("get", "/Groups/%00", {}),
        ("get", "/Users", {"filter": 'meta.lastModified gt "2020-01-01T00:00:00+23:59"'}),
        ("get", "/Users", {"filter": 'meta.lastModified gt "yesterday"'}),
        ("get", "/Users", {"startIndex": "99999999999999999999999"}),
        ("get", "/Users", {"count": "-99999999999999999999999"}),
        ("get", "/Users", {"filter": "(" * 300 + 'userName eq "a"' + ")" * 300}),
        ("get", "/Users", {"filter": " or ".join(f'userName eq "u{i}"' for i in range(2000))}),
        ("get", "/Users", {"filter": "id eq 99999999999999999999999"}),
        ("get", "/Groups", {"filter": 'id eq "g99999999999999999999999"'}),
    ],
)
def test_hostile_requests_are_a_scim_4xx_not_a_server_error(scim, method, path, params):
    scim.call("post", "/Users", _user(1))
    response = scim.client.get(f"/scim/v2{path}", params) if params else scim.client.get(f"/scim/v2{path}")
    assert 400 <= response.status_code < 500 or response.json()["totalResults"] == 0, response.content[:300]
    if response.status_code >= 400:
        _is_scim_error(response, response.status_code)


def test_an_offset_no_time_zone_has_is_an_invalid_filter_and_a_real_one_is_read(scim):
    scim.call("post", "/Users", _user(1))
    bad = scim.call("get", "/Users", filter='meta.lastModified gt "2020-01-01T00:00:00+23:59"')
    assert _is_scim_error(bad, 400)["scimType"] == "invalidFilter"
    ok = scim.call("get", "/Users", filter='meta.lastModified gt "2020-01-01T00:00:00+14:00"')
    assert ok.json()["totalResults"] == 1


def test_startindex_beyond_the_results_is_an_empty_page_and_beyond_any_number_a_400(scim):
    scim.call("post", "/Users", _user(1))
    body = scim.call("get", "/Users", startIndex=5000).json()
    assert (body["totalResults"], body["Resources"]) == (1, [])
    assert _is_scim_error(scim.call("get", "/Users", startIndex="99999999999999999999999"), 400)


@pytest.mark.parametrize(
    "flt", ["(" * 300 + 'userName eq "a"' + ")" * 300, " or ".join(f'userName eq "u{i}"' for i in range(2000))]
)
def test_a_filter_too_deep_or_too_long_is_an_invalid_filter(scim, flt):
    assert _is_scim_error(scim.call("get", "/Users", filter=flt), 400)["scimType"] == "invalidFilter"
    search = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": flt}
    assert _is_scim_error(scim.call("post", "/.search", search), 400)["scimType"] == "invalidFilter"


@pytest.mark.parametrize("schemas", [1, "urn:ietf:params:scim:api:messages:2.0:PatchOp", None, {"a": 1}])
def test_a_patch_with_schemas_of_another_type_is_invalid_syntax(scim, schemas):
    pk = scim.call("post", "/Users", _user(1)).json()["id"]
    body = {"schemas": schemas, "Operations": [{"op": "replace", "value": {"active": False}}]}
    assert _is_scim_error(scim.call("patch", f"/Users/{pk}", body), 400)["scimType"] == "invalidSyntax"
    assert Employee.objects.get(pk=pk).active is True


@pytest.mark.parametrize("where", ["givenName", "userName", "path"])
def test_a_lone_surrogate_is_a_scim_400_and_changes_nothing(scim, where):
    pk = scim.call("post", "/Users", _user(1)).json()["id"]
    if where == "path":
        raw = '{"schemas": ["%s"], "Operations": [{"op": "replace", "path": "name.givenName", "value": "Z\\ud800"}]}'
        response = scim.client.patch(f"/scim/v2/Users/{pk}", raw % PATCH, content_type="application/scim+json")
    else:
        field = '"userName": "z\\ud800@example.nl"' if where == "userName" else '"name": {"givenName": "Z\\ud800"}'
        raw = f'{{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], {field}}}'
        response = scim.client.post("/scim/v2/Users", raw, content_type="application/scim+json")
    _is_scim_error(response, 400)
    assert Employee.objects.count() == 1
    assert Employee.objects.get(pk=pk).first_name == "Given1"


def test_json_nested_too_deep_is_a_scim_400(scim):
    raw = "[" * 5000 + "]" * 5000
    response = scim.client.post("/scim/v2/Users", raw, content_type="application/scim+json")
    assert _is_scim_error(response, 400)["scimType"] == "invalidSyntax"


def test_a_nul_in_the_path_is_a_404_and_the_call_is_audited(scim):
    from hris.models import ApiAuditEntry

    assert _is_scim_error(scim.client.get("/scim/v2/Users/%00"), 404)
    entry = ApiAuditEntry.objects.latest("pk")
    assert (entry.method, entry.status) == ("GET", 404)
    assert "\x00" not in entry.path
    assert entry.path.startswith("/scim/v2/Users/")
