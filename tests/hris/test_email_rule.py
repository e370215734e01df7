"""One rule for e-mail addresses wherever people arrive (sync, REST, SCIM, the people form), and a
deactivation that never fails on another field's value (issue 11: Okta could not deactivate a
leaver whose address the sync had accepted)."""

import json

import pytest
from django.test import Client

from people.forms import EmployeeForm
from people.models import Employee
from tests.factories import EmployeeFactory
from tests.hris.conftest import employee_row, sync

pytestmark = pytest.mark.django_db
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GOOD, BAD = "Zoë.deVries@example.nl", "zoe..devries@example.nl"


def _scim(token) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def _through_sync(writer, address):
    return sync(writer, {"employees": [employee_row(1, email=address, department=None, job_group=None)]}).status_code


def _through_rest(writer, address):
    body = {"external_id": "E1", "first_name": "Zoë", "last_name": "de Vries", "email": address}
    return writer.post("/api/v1/employees/", json.dumps(body), content_type="application/json").status_code


def _through_scim(writer, address):
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": address,
        "name": {"givenName": "Zoë", "familyName": "de Vries"},
        "emails": [{"value": address}],
    }
    return writer.post("/scim/v2/Users", json.dumps(body), content_type="application/scim+json").status_code


def _through_form(writer, address):
    form = EmployeeForm(
        {
            "first_name": "Zoë",
            "last_name": "de Vries",
            "email": address,
            "education_level": "bachelor",
            "fte": "1.00",
            "locale": "nl",
            "active": "on",
        }
    )
    return 200 if form.is_valid() else 400


@pytest.mark.parametrize("entry", [_through_sync, _through_rest, _through_scim, _through_form])
@pytest.mark.parametrize(("address", "accepted"), [(GOOD, True), (BAD, False), ("zoe@example", False)])
def test_every_way_in_applies_the_same_address_rule(writer, entry, address, accepted):
    status = entry(writer, address)
    assert (status < 300) is accepted, status


def test_okta_deactivates_an_employee_the_sync_created_with_an_internationalised_address(writer):
    assert _through_sync(writer, GOOD) == 200
    employee = Employee.objects.get(email=GOOD)
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    response = writer.patch(f"/scim/v2/Users/{employee.pk}", json.dumps(body), content_type="application/scim+json")
    assert response.status_code == 200, response.content
    employee.refresh_from_db()
    assert employee.active is False


def test_deactivating_never_fails_on_another_fields_value(writer):
    """A value stored under an older rule (here an address no rule allows) does not block the leaver."""
    employee = EmployeeFactory()
    Employee.objects.filter(pk=employee.pk).update(email="legacy address@example.nl")
    for op in ({"op": "replace", "value": {"active": False}}, {"op": "Replace", "path": "active", "value": "False"}):
        Employee.objects.filter(pk=employee.pk).update(active=True)
        body = {"schemas": [PATCH], "Operations": [op]}
        response = writer.patch(f"/scim/v2/Users/{employee.pk}", json.dumps(body), content_type="application/scim+json")
        assert response.status_code == 200, response.content
        assert Employee.objects.get(pk=employee.pk).active is False
