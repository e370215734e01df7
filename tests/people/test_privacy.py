"""Each person's data: download (own, and by L&D on someone's behalf), erasure on the demo
organisation searched for in every text column of every table, a re-sync that does not bring it
back, automatic erasure after leaving, and deactivation that ends sessions and feeds at once."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from budgets.models import LedgerEntry
from budgets.services.ledger import budget_adjust
from hris.services import api_client_create
from people.audit import audit_record
from people.models import AuditEntry, Employee
from people.privacy import leavers_due, leavers_erase, person_erase
from people.services import employee_deactivate
from tests.factories import EmployeeFactory
from tests.hris.conftest import sync

pytestmark = pytest.mark.django_db


def text_columns_holding(values: list[str]) -> list[str]:
    """Every text, varchar and json column of every table in the database, searched for each value
    (case-insensitive): where each is found, as `table.column: value`."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        assert len(columns) > 100  # the search covers the whole schema, not a few tables
        for table, column in columns:
            for value in values:
                like = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                sql = f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1'  # noqa: S608 - names from the schema
                cursor.execute(sql, [like])
                if cursor.fetchone():
                    found.append(f"{table}.{column}: {value}")
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process


def signed_in(username: str) -> Client:
    from django.conf import settings

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the demo people read Dutch otherwise
    return client


def test_an_employee_downloads_everything_about_them_as_a_page_and_as_json(demo, django_assert_max_num_queries):
    me = Employee.objects.get(user__username="employee")
    client = signed_in("employee")
    client.get("/people/me/data/")
    with django_assert_max_num_queries(40):
        page = client.get("/people/me/data/")
    assert page.status_code == 200
    body = page.content.decode()
    for title in (
        "Profile",
        "Enrolments and learning profile",
        "Budget and ledger",
        "Activity, thank-yous, stories and ideas",
        "Audit entries about you",
    ):
        assert title in body
    assert me.email in body
    data = json.loads(b"".join([client.get("/people/me/data/?format=json").content]))
    keys = [part["key"] for part in data["parts"]]
    assert keys[0] == "profile"
    assert {
        "catalog",
        "budgets",
        "comms",
        "policy",
        "surveys",
        "hris",
        "goals",
        "adoption",
        "engagement",
        "audit",
    } <= set(keys)
    assert data["parts"][0]["rows"][0]["E-mail address"] == me.email
    enrolments = next(p for p in data["parts"] if p["key"] == "catalog")["rows"]
    assert len(enrolments) >= me.enrolments.count() > 0
    engagement = next(p for p in data["parts"] if p["key"] == "engagement")["rows"]
    assert engagement, "the demo employee has activity"
    hr = Employee.objects.get(user__username="hr")
    hr_parts = {
        p["key"]: p["rows"] for p in json.loads(signed_in("hr").get("/people/me/data/?format=json").content)["parts"]
    }
    assert hr_parts["adoption"] or hr_parts["goals"], f"{hr} owns programmes or goals in the demo"
    exports = AuditEntry.objects.filter(action="personal_data.exported", subject_id=me.pk)
    assert exports.count() == 3
    assert exports.filter(changes__format="json", changes__on_behalf=False).count() == 1


def test_ld_staff_download_on_someones_behalf_and_nobody_else_does(demo):
    someone = Employee.objects.get(user__username="employee")
    response = signed_in("hr").get(f"/people/{someone.pk}/data/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content)["employee"] == someone.pk
    assert AuditEntry.objects.get(action="personal_data.exported").changes["on_behalf"] is True
    assert signed_in("manager").get(f"/people/{someone.pk}/data/").status_code == 403
    assert signed_in("manager").get(f"/people/{someone.pk}/erase/").status_code == 403


@pytest.mark.usefixtures("require_postgres")
def test_erasing_a_demo_person_leaves_their_name_email_and_key_in_no_column_of_any_table(demo):
    person = Employee.objects.select_related("user").get(user__username="employee")
    traces = [person.full_name, person.email, person.external_id]
    assert all(traces)
    for app in ("catalog", "budgets", "comms", "policy", "surveys", "goals", "adoption", "engagement"):
        assert rows_in(app), f"the demo has no rows in {app}: the search would prove nothing there"
    typed_by_colleagues(person)
    own_words(person)
    assert text_columns_holding(traces)  # the search finds them before (a negative control)
    enrolments = person.enrolments.count()
    ledger_total = sum(b.allocated for b in person.budgets.all())
    hr = get_user_model().objects.get(username="hr")

    response = signed_in("hr").post(
        f"/people/{person.pk}/erase/", {"reason": "Request of 1 December by e-mail", "confirm": "on"}
    )

    assert response.status_code == 302
    assert text_columns_holding(traces) == []
    person.refresh_from_db()
    assert person.erased_at is not None
    assert person.user is None
    assert not person.active
    assert person.enrolments.count() == enrolments  # counts stay
    assert sum(b.allocated for b in person.budgets.all()) == ledger_total  # amounts stay for the books
    assert not get_user_model().objects.filter(username="employee").exists()
    entry = AuditEntry.objects.get(action="person.erased")
    assert (entry.actor_id, entry.subject_id) == (hr.pk, person.pk)
    assert entry.reason == "Request of 1 December by e-mail"
    # their own words go: stories withdrawn and emptied, ideas emptied
    from engagement.models import Need, Story

    assert set(Story.objects.filter(writer=person).values_list("text", "state")) <= {("[erased]", "withdrawn")}
    assert set(Need.objects.filter(author=person).values_list("text", flat=True)) <= {"[erased]"}
    # what is not the person stays: the demo username `employee` is a plain word, not swept
    assert ContentType.objects.filter(app_label="people", model="employee").exists()
    assert AuditEntry.objects.filter(object_type="people.employee", action="person.erased").exists()
    # the audit entries that named them keep who, when, what and the object; the text is scrubbed
    adjusted = AuditEntry.objects.filter(action="budget.adjusted", subject_id=person.pk).latest("pk")
    assert adjusted.reason == "Extra for [erased], agreed with the manager"
    assert adjusted.changes["amount"] == "25.00"
    assert LedgerEntry.objects.filter(
        reason="Extra for [erased], agreed with the manager", allocated=Decimal("25.00")
    ).exists()


def rows_in(app_label: str) -> int:
    return sum(m._default_manager.count() for m in django_apps.get_app_config(app_label).get_models())


def own_words(person):
    """A story and an idea of their own (the demo may give them none)."""
    from catalog.models import LearningItem
    from engagement.models import Need, Story

    Story.objects.create(
        writer=person,
        item=LearningItem.objects.order_by("pk").first(),
        effect=Story._meta.get_field("effect").choices[0][0],
        text="I learnt to plan my week",
        state="published",
        published_at=timezone.now(),
    )
    Need.objects.create(author=person, department_id=person.department_id, text="More Excel please")


def typed_by_colleagues(person):
    """Free text others typed about the person, in every app that keeps some: a budget adjustment
    (and its audit entry), a goal comment, a programme review, a thank-you, a survey answer, an
    audit entry's reason and change."""
    from adoption.models import Review
    from engagement.models import Activity, Reward
    from goals.models import GoalTransition
    from surveys.models import Answer

    hr = get_user_model().objects.get(username="hr")
    budget = person.budgets.order_by("-period_start").first()
    budget_adjust(
        budget=budget, amount=Decimal("25"), reason=f"Extra for {person.full_name}, agreed with the manager", by=hr
    )
    named = f"as {person.full_name} ({person.email}, {person.external_id}) said"
    for model, field in ((GoalTransition, "comment"), (Review, "decisions"), (Reward, "message"), (Answer, "text")):
        row = model.objects.order_by("pk").first()
        assert row is not None, f"the demo has no {model.__name__}"
        if model is GoalTransition:  # append-only (a trigger): a new transition, as a colleague adds one
            row.pk = None
            row.comment = named
            row.save()
        else:
            model.objects.filter(pk=row.pk).update(**{field: named})
    # the activity ledger is append-only too: a line about an item whose title carries the name
    line = Activity.objects.filter(reverses=None).order_by("pk").first()
    assert line is not None, "the demo has no activity"
    line.pk, line.source, line.label = None, f"test:{line.pk}", named[:200]
    line.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Activity.objects.filter(pk=line.pk).update(label="[erased]")  # outside the erasure: refused
    audit_record(
        action="programme.reviewed",
        object_type="adoption.programme",
        object_id=1,
        changes={"note": named},
        reason=named,
        by=hr,
    )


def test_the_sweep_replaces_whole_values_only(personas):
    from people.privacy import sweep

    a = EmployeeFactory(external_id="E12", first_name="Ab", last_name="Cd")
    b = EmployeeFactory(external_id="E123", first_name="Ab", last_name="Cde")
    with transaction.atomic():
        sweep(["E12", "Ab Cd"])
    assert Employee.objects.get(pk=a.pk).external_id == "[erased]"
    kept = Employee.objects.get(pk=b.pk)
    assert (kept.external_id, kept.first_name, kept.last_name) == ("E123", "Ab", "Cde")


def test_the_reason_may_not_name_the_person(demo):
    person = Employee.objects.get(user__username="employee")
    response = signed_in("hr").post(
        f"/people/{person.pk}/erase/", {"reason": f"asked by {person.full_name}", "confirm": "on"}
    )
    assert response.status_code == 200
    assert Employee.objects.get(pk=person.pk).erased_at is None


@pytest.mark.usefixtures("require_postgres")
def test_a_resync_that_still_lists_the_leaver_does_not_bring_their_data_back(demo):
    person = Employee.objects.get(user__username="employee")
    row = {
        "external_id": person.external_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "active": False,
    }
    traces = [person.full_name, person.email, person.external_id]
    person_erase(employee=person, reason="left")
    _client, token = api_client_create(name="HRIS", scopes=["hris:write"])
    response = sync(Client(headers={"Authorization": f"Bearer {token}"}), {"mode": "partial", "employees": [row]})
    assert response.status_code == 200, response.content
    assert response.json()["employees"]["erased_skipped"] == 1
    assert text_columns_holding(traces) == []


def test_scim_no_longer_sees_someone_erased_and_cannot_write_their_name_back(personas):
    person = personas.other_employee
    _client, token = api_client_create(name="Entra", scopes=["hris:write"])
    scim = Client(headers={"Authorization": f"Bearer {token}"})
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": person.email,
        "name": {"givenName": person.first_name, "familyName": person.last_name},
        "emails": [{"value": person.email, "primary": True}],
        "active": False,
    }
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "name.familyName", "value": person.last_name}],
    }
    assert scim.get(f"/scim/v2/Users/{person.pk}").status_code == 200  # the negative control
    person_erase(employee=person, reason="left")

    assert scim.get(f"/scim/v2/Users/{person.pk}").status_code == 404
    put = scim.put(f"/scim/v2/Users/{person.pk}", json.dumps(user), content_type="application/scim+json")
    assert put.status_code == 404
    assert (
        scim.patch(f"/scim/v2/Users/{person.pk}", json.dumps(patch), content_type="application/scim+json").status_code
        == 404
    )
    listed = scim.get("/scim/v2/Users", {"filter": f'userName eq "{person.email}"'}).json()
    assert listed["totalResults"] == 0
    erased = Employee.objects.get(pk=person.pk)
    assert (erased.first_name, erased.erased_at is not None) == ("Erased", True)


def test_someone_who_left_long_enough_ago_is_erased_automatically(personas, settings, time_machine):
    settings.PRIVACY_ERASE_AFTER_DAYS = 30
    employee_deactivate(employee=personas.other_employee)
    assert not leavers_due().exists()  # just left
    time_machine.move_to(timezone.now() + timedelta(days=31))
    assert list(leavers_due()) == [Employee.objects.get(pk=personas.other_employee.pk)]
    assert leavers_erase() == 1
    assert leavers_erase() == 0  # once
    entry = AuditEntry.objects.get(action="person.erased")
    assert (entry.actor_id, entry.actor_label) == (None, "automatic erasure")


def test_deactivation_ends_the_session_at_once_and_revokes_the_calendar_feed(personas, client_for):
    from policy.models import CalendarFeed

    client = client_for(personas.employee)
    assert client.get("/people/me/").status_code == 302
    assert client.get("/").status_code == 200
    feed = CalendarFeed.objects.create(employee=personas.employee)
    assert client.get(f"/moments/feed/{feed.token}.ics").status_code == 200

    employee_deactivate(employee=personas.employee)

    home = client.get("/")
    assert home.status_code == 302
    assert "/accounts/login/" in home["Location"]
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()
    assert Employee.objects.get(pk=personas.employee.pk).deactivated_at is not None


def test_nobody_erases_themself(personas):
    with pytest.raises(ValueError, match="nobody erases themself"):
        person_erase(employee=personas.hr, by=personas.hr.user)
