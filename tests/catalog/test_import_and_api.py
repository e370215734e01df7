"""Importing items (CSV page and API): all or nothing, every bad row listed; LMS completions; scopes."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from catalog.models import Enrolment, LearningItem, Status
from people.registry import ENROLMENTS_SINCE, registry
from people.signals import domain_event
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db

HEADER = "provider;provider_key;title;format;levels;language;duration_hours;cost;skills\n"


def upload(client, text):
    f = SimpleUploadedFile("items.csv", text.encode("utf-8-sig"), content_type="text/csv")
    return client.post("/catalog/import/", {"file": f})


def test_csv_import_creates_and_then_updates_by_provider_key(client_for, hr):
    c = client_for(hr)
    r = upload(c, HEADER + "LeerLab;L1;Heftruck veilig;classroom;basic|secondary;nl;8;195;Safe working\n")
    assert r.status_code == 302
    item = LearningItem.objects.get(provider="LeerLab", provider_key="L1")
    assert item.levels == ["basic", "secondary"]
    assert [s.name for s in item.skills.all()] == ["Safe working"]
    r = upload(c, HEADER + "LeerLab;L1;Heftruck veilig (nieuw);classroom;basic;nl;8;210;Safe working|Logistics\n")
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.cost, item.levels) == ("Heftruck veilig (nieuw)", Decimal("210.00"), ["basic"])
    assert LearningItem.objects.count() == 1


def test_csv_import_lists_every_bad_row_and_writes_nothing(client_for, hr):
    text = HEADER + (
        "LeerLab;L1;Good row;video;basic;nl;1;0;\n"
        "LeerLab;L2;;zumba;expert;xx;-3;abc;\n"
        "LeerLab;L1;Duplicate key;video;basic;nl;1;0;\n"
    )
    r = upload(client_for(hr), text)
    assert r.status_code == 400
    paths = {(e["path"], e["code"]) for e in r.context["errors"]}
    assert paths == {
        ("line 3.title", "required"),
        ("line 3.format", "invalid_choice"),
        ("line 3.levels", "invalid_choice"),
        ("line 3.language", "invalid_choice"),
        ("line 3.duration_hours", "min_value"),
        ("line 3.cost", "invalid"),
        ("line 4.provider_key", "duplicate"),
    }
    assert not LearningItem.objects.exists()
    assert "nothing was imported" in r.content.decode()


def test_csv_without_required_columns_is_refused(client_for, hr):
    r = upload(client_for(hr), "title;format\nX;video\n")
    assert r.status_code == 400
    assert r.context["errors"][0]["code"] == "missing_columns"


def test_api_upsert_and_error_format(client_for, hr):
    c = client_for(hr)
    row = {
        "provider": "P",
        "provider_key": "1",
        "title": "T",
        "format": "video",
        "levels": ["basic"],
        "duration_hours": "1",
    }
    r = c.post("/api/v1/learning-items/", {"items": [row]}, content_type="application/json")
    assert r.json() == {"created": 1, "updated": 0}
    r = c.post("/api/v1/learning-items/", {"items": [{**row, "title": "T2"}]}, content_type="application/json")
    assert r.json() == {"created": 0, "updated": 1}
    bad = {
        "items": [{**row, "provider_key": "2"}, {**row, "provider_key": "3", "levels": "basic;phd", "colour": "red"}]
    }
    r = c.post("/api/v1/learning-items/", bad, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"path": "items.1.colour", "code": "unknown_field", "message": "Unknown field."},
        {
            "path": "items.1.levels",
            "code": "invalid_choice",
            "message": '"phd" is not one of: basic, secondary, bachelor, master.',
        },
    ]
    assert LearningItem.objects.count() == 1  # the good row of the bad batch was not applied


@pytest.mark.parametrize("body", [[], {"items": "x"}, {"items": [1]}, "text", {"foo": 1}])
def test_api_rejects_malformed_bodies_with_400(client_for, hr, body):
    r = client_for(hr).post("/api/v1/learning-items/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"]


@dataclass
class Principal:
    """What the HRIS app's token authentication will put on request.user."""

    api_scopes: tuple
    is_authenticated: bool = True
    is_active: bool = True
    pk: int = 0


@pytest.mark.parametrize(("scopes", "status"), [(("hris:write",), 200), (("reporting:read",), 403)])
def test_item_upsert_with_an_api_scope(db, scopes, status):
    client = APIClient()
    client.force_authenticate(user=Principal(api_scopes=scopes))
    row = {
        "provider": "P",
        "provider_key": "1",
        "title": "T",
        "format": "video",
        "levels": ["basic"],
        "duration_hours": "1",
    }
    r = client.post("/api/v1/learning-items/", {"items": [row]}, format="json")
    assert r.status_code == status


@pytest.mark.parametrize(
    ("scopes", "status"), [(("lms:write",), 201), (("hris:write",), 201), (("reporting:read",), 403)]
)
def test_lms_reports_a_completion_with_its_scope(employee, scopes, status):
    item = ItemFactory()
    client = APIClient()
    client.force_authenticate(user=Principal(api_scopes=scopes))
    body = {
        "employee_external_id": employee.external_id,
        "item_id": item.pk,
        "completed_at": "2026-11-20T10:00:00+01:00",
        "amount": "15.00",
    }
    r = client.post("/api/v1/enrolments/", body, format="json")
    assert r.status_code == status
    if status == 201:
        e = Enrolment.objects.get()
        assert (e.status, e.source, e.invoiced_amount) == (Status.COMPLETED, "api", Decimal("15.00"))
        again = client.post("/api/v1/enrolments/", body, format="json")
        assert again.status_code == 200
        assert Enrolment.objects.count() == 1
    else:
        assert not Enrolment.objects.exists()


def test_lms_completion_errors_are_listed(db):
    client = APIClient()
    client.force_authenticate(user=Principal(api_scopes=("lms:write",)))
    r = client.post(
        "/api/v1/enrolments/",
        {"employee_external_id": "nobody", "rating": 9, "completed_at": "yesterday"},  # rating: ignored
        format="json",
    )
    assert r.status_code == 400
    assert {e["path"] for e in r.json()["errors"]} == {"employee_external_id", "item_id", "completed_at"}


def test_enrolment_list_is_filtered_for_each_person(client_for, employee, other_employee, manager):
    mine = Enrolment.objects.create(employee=employee, item=ItemFactory(), motivation="x")
    theirs = Enrolment.objects.create(employee=other_employee, item=ItemFactory(), motivation="x")
    ids = lambda person: {row["id"] for row in client_for(person).get("/api/v1/enrolments/").json()["results"]}  # noqa: E731
    assert ids(employee) == {mine.pk}
    assert ids(manager) == {mine.pk}
    assert ids(other_employee) == {theirs.pk}


def test_item_added_is_announced_once_on_commit_for_comms(hr, client_for, django_capture_on_commit_callbacks):
    seen = []

    def listen(sender, name, **kw):
        seen.append((name, kw.get("item").provider_key))

    domain_event.connect(listen, dispatch_uid="test-item-added")
    try:
        row = {
            "provider": "P",
            "provider_key": "9",
            "title": "T",
            "format": "video",
            "levels": ["basic"],
            "duration_hours": "1",
            "skills": ["Forklift"],
        }
        with django_capture_on_commit_callbacks(execute=True):
            client_for(hr).post("/api/v1/learning-items/", {"items": [row]}, content_type="application/json")
        assert seen == [("catalog.item_added", "9")]
        item = LearningItem.objects.get(provider_key="9")
        from tests.catalog.factories import SkillFactory

        with django_capture_on_commit_callbacks(execute=True):
            LearningItem.objects.get(pk=item.pk).skills.add(SkillFactory(name="Safety"))
        assert seen[-1] == ("catalog.item_added", "9")
        assert len(seen) == 2
    finally:
        domain_event.disconnect(dispatch_uid="test-item-added")


def test_enrolments_since_provider_counts_requests_by_those_employees(employee, other_employee):
    from django.utils import timezone

    fn = registry.use(ENROLMENTS_SINCE)
    before = timezone.now()
    Enrolment.objects.create(employee=employee, item=ItemFactory(), motivation="x")
    Enrolment.objects.create(employee=other_employee, item=ItemFactory(), motivation="x")
    assert fn([employee.pk], before) == 1
    assert fn([employee.pk, other_employee.pk], before) == 2
    assert fn([employee.pk], timezone.now()) == 0
    assert fn([employee.pk, other_employee.pk], before, until=before) == 0  # the window's end counts


def test_budget_left_is_shown_only_when_budgets_says_so(client_for, employee):
    from datetime import date

    from budgets.models import BudgetPolicy
    from budgets.services import budget_allocate

    ItemFactory(title="Something")
    assert "learning budget left" not in client_for(employee).get("/catalog/items/").content.decode()
    BudgetPolicy.objects.create(name="All", amount=Decimal("640.00"), period_start=date(2020, 1, 1), pro_rata=False)
    budget_allocate(employee_ids=[employee.pk])
    assert "You have €640.00 of learning budget left." in client_for(employee).get("/catalog/items/").content.decode()


@pytest.mark.parametrize("column", ["title", "provider_key", "skills"])
def test_a_nul_character_in_a_csv_cell_is_an_error_on_that_line_not_a_server_error(client_for, hr, column):
    values = {"title": "Heftruck veilig", "provider_key": "L1", "skills": "Safe working"}
    values[column] = values[column][:3] + "\x00" + values[column][3:]
    line = f"LeerLab;{values['provider_key']};{values['title']};classroom;basic;nl;8;195;{values['skills']}\n"
    r = upload(client_for(hr), HEADER + line)
    assert r.status_code == 400
    assert {e["path"] for e in r.context["errors"]} == {f"line 2.{column}"}
    assert not LearningItem.objects.exists()


def test_the_item_field_list_is_written_once():
    """The form, the serializers, the import and the services take exactly ITEM_FIELDS."""
    from catalog.forms import ItemForm
    from catalog.models import ITEM_FIELDS
    from catalog.serializers import LearningItemSerializer, LearningItemWriteSerializer

    assert list(ItemForm.base_fields) == list(ITEM_FIELDS)
    assert list(LearningItemWriteSerializer().fields) == list(ITEM_FIELDS)
    assert list(LearningItemSerializer().fields) == ["id", *ITEM_FIELDS, "updated_at"]
