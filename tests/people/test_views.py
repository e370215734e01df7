"""People pages: what each role sees, search and filters, export, language, the API's /me."""

import csv
import io

import pytest
from django.urls import reverse

from people.access import employees_visible_to
from people.models import Employee
from tests.exports import body
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_manager_sees_direct_and_indirect_reports_but_not_others(client, personas):
    client.force_login(personas.manager.user)
    assert client.get(reverse("people:employee_detail", args=[personas.indirect_report.pk])).status_code == 200
    assert client.get(reverse("people:employee_detail", args=[personas.other_employee.pk])).status_code == 404
    visible = set(employees_visible_to(personas.manager.user).values_list("pk", flat=True))
    assert visible == {personas.manager.pk, personas.employee.pk, personas.team_lead.pk, personas.indirect_report.pk}


def test_employee_sees_only_themself(personas):
    assert list(employees_visible_to(personas.employee.user)) == [personas.employee]


def test_inactive_account_has_no_roles(client, personas):
    personas.hr.user.is_active = False
    personas.hr.user.save()
    client.force_login(personas.hr.user)
    assert client.get(reverse("people:directory")).status_code == 302


def test_directory_searches_and_filters(client, personas, org):
    client.force_login(personas.hr.user)
    response = client.get(reverse("people:directory"), {"q": "nowak"})
    assert list(response.context["page"]) == [personas.outsider_manager]
    response = client.get(reverse("people:directory"), {"department": org["root"].pk})
    assert response.context["page"].paginator.count == Employee.objects.filter(active=True).count()
    response = client.get(reverse("people:directory"), {"department": org["finance"].pk})
    assert set(response.context["page"]) == {personas.outsider_manager, personas.other_employee}
    response = client.get(reverse("people:directory"), {"job_group": org["leads"].pk})
    assert personas.employee not in set(response.context["page"])


def test_directory_hides_inactive_people_unless_asked(client, personas):
    gone = EmployeeFactory(active=False, last_name="Vertrokken")
    client.force_login(personas.hr.user)
    assert gone not in set(client.get(reverse("people:directory")).context["page"])
    assert gone in set(client.get(reverse("people:directory"), {"status": "inactive"}).context["page"])


def test_directory_htmx_request_returns_only_the_results(client, personas):
    client.force_login(personas.hr.user)
    response = client.get(reverse("people:directory"), {"q": "Zoë"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Zoë de Vries" in html


def test_directory_exports_csv_with_the_current_filter(client, personas):
    client.force_login(personas.hr.user)
    response = client.get(reverse("people:directory"), {"q": "Zoë", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["HRIS key", "First name", "Last name"]
    assert [r[1:3] for r in rows[1:]] == [["Zoë", "de Vries"]]


def test_edit_form_saves_and_shows_errors(client, personas):
    client.force_login(personas.hr.user)
    url = reverse("people:employee_edit", args=[personas.employee.pk])
    e = personas.employee
    data = {
        "first_name": "Zoë",
        "last_name": "de Vries-Bakker",
        "email": e.email,
        "department": e.department_id,
        "job_group": e.job_group_id,
        "manager": e.manager_id,
        "education_level": "master",
        "fte": "0.8",
        "locale": "nl",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    e.refresh_from_db()
    assert (e.last_name, str(e.fte), e.education_level) == ("de Vries-Bakker", "0.80", "master")
    response = client.post(url, {**data, "fte": "2", "email": personas.manager.email.upper()})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"fte", "email"}
    e.refresh_from_db()
    assert str(e.fte) == "0.80"


def test_language_switch_is_remembered_for_the_employee(client, personas):
    client.force_login(personas.employee.user)
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    personas.employee.refresh_from_db()
    assert personas.employee.locale == "nl"
    assert "Welkom" in client.get("/").content.decode()


def test_employee_locale_is_used_before_any_switch(client, personas):
    personas.employee.locale = "nl"
    personas.employee.save()
    client.force_login(personas.employee.user)
    assert "Welkom, Zoë" in client.get("/").content.decode()


def test_api_me_returns_own_profile_only(client, personas):
    client.force_login(personas.employee.user)
    data = client.get(reverse("api:me")).json()
    assert data["email"] == personas.employee.email
    assert data["manager"] == personas.manager.full_name


def test_api_schema_and_docs_need_no_cdn(client):
    schema = client.get(reverse("schema"))
    assert schema.status_code == 200
    docs = client.get(reverse("api_docs")).content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs
