"""A name with a line break (or another control character) is refused at every door it can come
through: the API, the HRIS sync and its CSV import, SCIM (create and patch) and the admin. Stored, it
would break every e-mail subject and header that uses it (issue 17, "small ones")."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hris.services import api_client_create
from people.models import Department, Employee, JobGroup
from people.validators import CONTROL_MESSAGE
from tests.test_hostile_inputs import fingerprint

BREAKS = {"crlf": "Zoë\r\nBcc: all@example.nl", "lf": "Zoë\nde Vries", "cr": "Zo\rë", "separator": "Zoë\u2028x"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _doors(name):
    employee = {"external_id": "E-X", "first_name": name, "last_name": "B", "email": "a@b.nl"}
    return {
        "api employee": ("/api/v1/employees/", employee),
        "api department": ("/api/v1/departments/", {"external_id": "D-X", "name": name}),
        "api job group": ("/api/v1/job-groups/", {"external_id": "J-X", "name": name}),
        "sync employee": ("/api/v1/hris/sync", {"employees": [employee]}),
        "sync department": ("/api/v1/hris/sync", {"departments": [{"external_id": "D-X", "name": name}]}),
        "sync job group": ("/api/v1/hris/sync", {"job_groups": [{"external_id": "J-X", "name": name}]}),
        "scim user": ("/scim/v2/Users", {"schemas": [USER], "userName": "z@example.nl", "name": {"givenName": name}}),
        "scim group": ("/scim/v2/Groups", {"schemas": [GROUP], "displayName": name}),
    }


DOORS = list(_doors("x"))


@pytest.fixture
def writer(db, settings):
    settings.HRIS_API_THROTTLE_RATE = "100000/minute"
    _client, token = api_client_create(name="names", scopes=["hris:write"])
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_name_with_a_line_break_is_a_400_at_every_api_door(writer, door, kind):
    path, body = _doors(BREAKS[kind])[door]
    before = fingerprint()
    content_type = "application/scim+json" if path.startswith("/scim/") else "application/json"
    response = writer.post(path, json.dumps(body), content_type=content_type)
    assert response.status_code == 400, response.content[:500]
    text = response.content.decode()
    assert "line breaks" in text.lower(), text[:500]
    assert fingerprint() == before


def test_a_scim_patch_cannot_put_a_line_break_in_a_name(writer):
    created = writer.post(
        "/scim/v2/Users",
        json.dumps({"schemas": [USER], "userName": "z@example.nl", "name": {"givenName": "Zoë", "familyName": "V"}}),
        content_type="application/scim+json",
    )
    assert created.status_code == 201, created.content[:300]
    patch = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "name.givenName", "value": "Zoë\nBcc: x"}]}
    response = writer.patch(
        f"/scim/v2/Users/{created.json()['id']}", json.dumps(patch), content_type="application/scim+json"
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert Employee.objects.get().first_name == "Zoë"


def test_the_csv_import_names_the_line_with_the_break_and_stores_nothing(client_for, hr):
    text = 'external_id;first_name;last_name;email\nE1;"Zoë\nBcc: x";B;a@b.nl\n'
    upload = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    response = client_for(hr).post("/hris/import/", {"file": upload, "mode": "partial"}, follow=True)
    assert response.status_code == 200
    assert response.context["mapping_complete"], response.context["header"]
    assert [e for e in response.context["errors"] if str(CONTROL_MESSAGE) in str(e)], response.context["errors"]
    assert not Employee.objects.filter(external_id="E1").exists()


@pytest.mark.parametrize("model", ["employee", "department", "jobgroup"])
def test_the_admin_refuses_a_name_with_a_line_break_with_a_form_error(client_for, hr, employee, model):
    obj = {"employee": employee, "department": employee.department, "jobgroup": employee.job_group}[model]
    field = "first_name" if model == "employee" else "name"
    page = client_for(hr).get(f"/admin/people/{model}/{obj.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update({k: json.dumps(v) for k, v in form.initial.items() if isinstance(v, dict)})
    data[field] = "Zoë\r\nBcc: x"
    response = client_for(hr).post(f"/admin/people/{model}/{obj.pk}/change/", data)
    assert response.status_code == 200
    assert str(CONTROL_MESSAGE) in response.context["adminform"].form.errors[field]
    assert {"employee": Employee, "department": Department, "jobgroup": JobGroup}[model].objects.filter(
        **{field: data[field]}
    ).count() == 0
