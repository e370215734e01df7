"""The L&D pages: API clients (token shown once, revoke) and the CSV import (map, preview, apply)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hris.models import ApiClient, CsvImport, CsvMapping
from people.models import Employee
from tests.factories import DepartmentFactory, EmployeeFactory

from .conftest import people_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_client(client_for, hr):
    return client_for(hr)


def test_creating_a_client_shows_the_token_once(hr_client):
    response = hr_client.post("/hris/clients/", {"name": "AFAS", "scopes": ["hris:write"]})
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("lb_")
    assert token in response.content.decode()
    client = ApiClient.objects.get(name="AFAS")
    assert client.token_matches(token)
    assert token not in hr_client.get("/hris/clients/").content.decode()


def test_revoking_a_client_refuses_its_token(hr_client):
    response = hr_client.post("/hris/clients/", {"name": "Okta", "scopes": ["hris:write"]})
    token = response.context["token"]
    client = ApiClient.objects.get(name="Okta")
    hr_client.post(f"/hris/clients/{client.pk}/revoke/")
    from django.test import Client

    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/scim/v2/Users").status_code == 401


def test_a_client_needs_a_name_and_a_scope(hr_client):
    response = hr_client.post("/hris/clients/", {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "scopes"}
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_the_clients_page_runs_a_constant_number_of_queries(hr_client, django_assert_num_queries, count):
    from hris.services import api_client_create

    for n in range(count):
        api_client_create(name=f"c{n}", scopes=["hris:write"])
    with django_assert_num_queries(5):
        assert hr_client.get("/hris/clients/").status_code == 200


CSV = (
    "\ufeffPersoneelsnummer;Voornaam;Achternaam;E-mail;Afdeling;Afdelingsnaam;FTE;Actief\n"
    "E1;Zoë;de Vries;zoe@example.nl;D10;Verkoop;0,8;ja\n"
    "E2;Daan;Jansen;daan@example.nl;D10;Verkoop;1;ja\n"
)
MAPPING = {
    "external_id": "Personeelsnummer",
    "first_name": "Voornaam",
    "last_name": "Achternaam",
    "email": "E-mail",
    "department": "Afdeling",
    "department_name": "Afdelingsnaam",
    "fte": "FTE",
    "active": "Actief",
}


def _upload(hr_client, text, mode="partial"):
    upload = SimpleUploadedFile("export.csv", text.encode("utf-8"), content_type="text/csv")
    response = hr_client.post("/hris/import/", {"file": upload, "mode": mode})
    assert response.status_code == 302, response.content[:500]
    return CsvImport.objects.latest("pk")


def _map(hr_client, record):
    data = dict.fromkeys(
        ("department", "job_group", "job_group_name", "manager", "education_level", "hired_on", "locale"), ""
    )
    data.update(MAPPING)
    response = hr_client.post(f"/hris/import/{record.pk}/", data)
    assert response.status_code == 302


def test_upload_map_preview_apply(hr_client):
    record = _upload(hr_client, CSV)
    _map(hr_client, record)
    before = people_fingerprint()
    preview = hr_client.get(f"/hris/import/{record.pk}/")
    assert preview.context["result"]["employees"]["created"] == 2
    assert preview.context["result"]["departments"]["created"] == 1
    assert people_fingerprint() == before  # the preview writes nothing
    assert preview.context["new_departments"] == ["Verkoop"]
    # The new department is created only when L&D confirms it; until then nothing is written.
    refused = hr_client.post(f"/hris/import/{record.pk}/apply/")
    assert refused.status_code == 200
    assert people_fingerprint() == before
    assert {e["row"] for e in refused.context["errors"]} == {2, 3}
    assert hr_client.post(f"/hris/import/{record.pk}/apply/", {"create_new": "on"}).status_code == 302
    zoe = Employee.objects.get(external_id="E1")
    assert (zoe.first_name, str(zoe.fte), zoe.department.name) == ("Zoë", "0.80", "Verkoop")


def test_the_mapping_is_remembered_for_the_next_file(hr_client):
    _map(hr_client, _upload(hr_client, CSV))
    assert CsvMapping.objects.get(key="default").columns["external_id"] == "Personeelsnummer"
    record = _upload(hr_client, CSV.replace("E1;", "E3;").replace("zoe@", "zoe3@"))
    preview = hr_client.get(f"/hris/import/{record.pk}/")
    assert preview.context["mapping_complete"] is True
    assert preview.context["result"]["employees"]["created"] == 2


def test_comma_separated_without_bom(hr_client):
    text = "external_id,first_name,last_name,email\nE5,Sem,Bakker,sem@example.nl\n"
    record = _upload(hr_client, text)
    preview = hr_client.get(f"/hris/import/{record.pk}/")
    assert preview.context["result"]["employees"]["created"] == 1


def test_every_row_error_is_shown_and_apply_writes_nothing(hr_client):
    EmployeeFactory(email="taken@example.nl")
    text = (
        "external_id,first_name,last_name,email,fte,manager\n"
        "E1,Zoë,de Vries,taken@example.nl,0.8,\n"
        "E2,Daan,,daan@example.nl,3,\n"
        "E3,Sem,Bakker,sem@example.nl,1,E404\n"
    )
    record = _upload(hr_client, text)
    before = people_fingerprint()
    preview = hr_client.get(f"/hris/import/{record.pk}/")
    errors = {(e["row"], e["column"]) for e in preview.context["errors"]}
    assert errors == {(2, "email"), (3, "last_name"), (3, "fte"), (4, "manager")}
    assert "E404" in preview.content.decode()
    hr_client.post(f"/hris/import/{record.pk}/apply/")
    assert people_fingerprint() == before
    assert CsvImport.objects.get(pk=record.pk).applied_at is None


def test_full_mode_preview_shows_deactivations(hr_client):
    DepartmentFactory(external_id="D10")
    EmployeeFactory(external_id="OLD", email="old@example.nl")
    record = _upload(hr_client, "external_id,first_name,last_name,email\nE5,Sem,Bakker,sem@example.nl\n", mode="full")
    preview = hr_client.get(f"/hris/import/{record.pk}/")
    # Everyone not in the file: the one above plus the seven personas.
    assert preview.context["result"]["employees"]["deactivated"] == Employee.objects.filter(active=True).count()


def test_a_file_that_is_not_utf8_is_refused(hr_client):
    upload = SimpleUploadedFile("export.csv", "naïve;x\n".encode("latin-1"), content_type="text/csv")
    response = hr_client.post("/hris/import/", {"file": upload, "mode": "partial"})
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    assert not CsvImport.objects.exists()


@pytest.mark.parametrize("rows", [2, 40])
def test_the_preview_runs_a_constant_number_of_queries(hr_client, django_assert_num_queries, rows):
    text = "external_id,first_name,last_name,email\n" + "".join(
        f"E{n},A{n},B{n},p{n}@example.nl\n" for n in range(rows)
    )
    record = _upload(hr_client, text)
    with django_assert_num_queries(11):
        assert hr_client.get(f"/hris/import/{record.pk}/").status_code == 200


def test_the_demo_adds_one_api_client_and_prints_no_token(capsys):
    from hris.demo import DEMO_CLIENT_NAME, seed_api_client

    seed_api_client()
    seed_api_client()
    client = ApiClient.objects.get(name=DEMO_CLIENT_NAME)
    assert client.scopes == ["hris:write", "reporting:read"]
    assert "lb_" not in capsys.readouterr().out


@pytest.mark.parametrize("uploads", [1, 12])
def test_the_upload_page_runs_a_constant_number_of_queries(hr_client, django_assert_num_queries, uploads):
    for n in range(uploads):
        CsvImport.objects.create(filename=f"f{n}.csv", content="a,b\n")
    with django_assert_num_queries(5):
        assert hr_client.get("/hris/import/").status_code == 200


def test_a_file_with_a_nul_character_is_refused_with_a_form_error(hr_client):
    text = "external_id,first_name,last_name,email\nE5,Sem\x00,Bakker,sem@example.nl\n"
    upload = SimpleUploadedFile("export.csv", text.encode("utf-8"), content_type="text/csv")
    response = hr_client.post("/hris/import/", {"file": upload, "mode": "partial"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not CsvImport.objects.exists()
