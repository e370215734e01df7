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
    patch = {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": b}]}]}
    assert scim.call("patch", f"/Groups/{gid}", patch).status_code == 200
    assert set(Employee.objects.filter(department_id=gid).values_list("pk", flat=True)) == {int(a), int(b)}
    remove = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{a}"]'}]}
    assert scim.call("patch", f"/Groups/{gid}", remove).status_code == 200
    assert Department.objects.get(pk=gid).employees.count() == 1


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
