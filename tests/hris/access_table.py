"""Who may open the HRIS pages, the people resources of the API, the bulk sync and SCIM, as the
six signed-in personas. API tokens per scope are in test_token_access.py."""

from tests.access import Row, only_hr, same


def _api_client(p):
    from hris.services import api_client_create

    client, _token = api_client_create(name="matrix", scopes=["hris:write"])
    return {"pk": client.pk}


def _csv_import(p):
    from hris.models import CsvImport

    record = CsvImport.objects.create(
        filename="people.csv", content="external_id,first_name,last_name,email\nE9,A,B,a@b.nl\n"
    )
    return {"pk": record.pk}


def _department(p):
    return {"pk": p.employee.department_id}


def _job_group(p):
    return {"pk": p.employee.job_group_id}


def _employee(p):
    return {"pk": p.employee.pk}


# Reads of the people resources: L&D staff (session) and tokens with hris:write or reporting:read.
READ = same(403, anonymous=401, hr=200)
# Writes need an API token with hris:write; no person holds it, L&D staff use the CSV import.
WRITE = same(403, anonymous=401)

ROWS = [
    Row("hris:clients", only_hr()),
    Row("hris:clients", only_hr(), method="post", data={"name": ""}),
    Row("hris:client_revoke", only_hr(denied=403) | {"hr": 302}, method="post", kwargs=_api_client),
    Row("hris:csv_upload", only_hr()),
    Row("hris:csv_preview", only_hr(), kwargs=_csv_import),
    Row("hris:csv_apply", only_hr() | {"hr": 302}, method="post", kwargs=_csv_import),
    Row("api:departments-list", READ),
    Row("api:departments-list", WRITE, method="post", json=True, data={"name": "X"}),
    Row("api:departments-detail", READ, kwargs=_department),
    Row("api:departments-detail", WRITE, method="patch", json=True, data={"name": "X"}, kwargs=_department),
    Row("api:departments-by-external-id", READ, kwargs=lambda p: {"external_id": p.employee.department.external_id}),
    Row("api:job-groups-list", READ),
    Row("api:job-groups-detail", READ, kwargs=_job_group),
    Row("api:job-groups-by-external-id", READ, kwargs=lambda p: {"external_id": p.employee.job_group.external_id}),
    Row("api:employees-list", READ),
    Row("api:employees-detail", READ, kwargs=_employee),
    Row("api:employees-by-external-id", READ, kwargs=lambda p: {"external_id": p.employee.external_id}),
    Row("api:employees-deactivate", WRITE, method="post", kwargs=_employee),
    Row("api:hris-sync", WRITE, method="post", json=True, data={}),
]

# SCIM takes API tokens with hris:write only.
SCIM = same(403, anonymous=401)
ROWS += [
    Row("scim:service_provider_config", SCIM),
    Row("scim:resource_types", SCIM),
    Row("scim:resource_type", SCIM, kwargs=lambda p: {"name": "User"}),
    Row("scim:schemas", SCIM),
    Row("scim:schema", SCIM, kwargs=lambda p: {"name": "urn:ietf:params:scim:schemas:core:2.0:User"}),
    Row("scim:users", SCIM),
    Row("scim:users_search", SCIM, method="post", json=True, data={}),
    Row("scim:user", SCIM, kwargs=_employee),
    Row("scim:groups", SCIM),
    Row("scim:groups_search", SCIM, method="post", json=True, data={}),
    Row("scim:group", SCIM, kwargs=_department),
    Row("scim:search", SCIM, method="post", json=True, data={}),
    Row("scim:not_found", SCIM, kwargs=lambda p: {"rest": "Nothing"}),
]
