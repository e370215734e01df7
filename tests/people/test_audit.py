"""The audit trail: one entry per event the issue lists, written by the real services, and rows the
database itself refuses to change or remove (PostgreSQL), tried for real."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from budgets.models import Budget, BudgetPolicy
from budgets.services.allocation import budget_allocate, budget_policy_save
from budgets.services.ledger import budget_adjust
from catalog.services.enrolments import enrolment_approve, enrolment_reject
from hris.services import api_client_create, api_client_revoke
from people.access import LD_STAFF_GROUP
from people.audience import EVERYONE
from people.audit import acting_as, audit_record
from people.models import AuditEntry
from people.privacy import erasure_scrub
from people.services import employee_deactivate, user_rights_set
from policy.services import policy_create, policy_delete, policy_update
from surveys.services import survey_create, survey_update
from tests.catalog.factories import EnrolmentFactory, ItemFactory
from tests.factories import UserFactory
from tests.hris.conftest import base_payload, sync

pytestmark = pytest.mark.django_db


def only(action) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [str(e) for e in entries]
    return entries[0]


def test_enrolment_approval_is_recorded_with_who_about_whom_and_the_comment(personas):
    enrolment = EnrolmentFactory(employee=personas.employee, item=ItemFactory())
    enrolment_approve(enrolment=enrolment, by=personas.manager.user, comment="Good fit")
    entry = only("enrolment.approved")
    assert entry.actor_id == personas.manager.user.pk
    assert entry.subject_id == personas.employee.pk
    assert (entry.object_type, entry.object_id) == ("catalog.enrolment", str(enrolment.pk))
    assert entry.changes["status"] == ["requested", "approved"]
    assert entry.reason == "Good fit"


def test_enrolment_rejection_is_recorded(personas):
    enrolment = EnrolmentFactory(employee=personas.employee, item=ItemFactory())
    enrolment_reject(enrolment=enrolment, by=personas.manager.user, comment="Not now")
    entry = only("enrolment.rejected")
    assert (entry.actor_id, entry.subject_id, entry.reason) == (
        personas.manager.user.pk,
        personas.employee.pk,
        "Not now",
    )


def test_budget_adjustment_is_recorded_with_amount_and_reason(personas, time_machine):
    time_machine.move_to(date(2026, 3, 1))
    BudgetPolicy.objects.create(
        name="All", amount=Decimal("1000.00"), hours=Decimal("40"), period_start=date(2026, 1, 1)
    )
    budget_allocate(employee_ids=[personas.employee.pk])
    budget = Budget.objects.get(employee=personas.employee)
    budget_adjust(budget=budget, amount=Decimal("-100"), reason="Double booking", by=personas.hr.user)
    entry = only("budget.adjusted")
    assert entry.actor_id == personas.hr.user.pk
    assert entry.subject_id == personas.employee.pk
    assert entry.changes["amount"] == "-100.00"
    assert entry.reason == "Double booking"


def test_budget_policy_change_records_what_changed(db):
    policy = BudgetPolicy(name="All", amount=Decimal("1000.00"), hours=Decimal("40"), period_start=date(2026, 1, 1))
    budget_policy_save(policy=policy)
    policy.amount = Decimal("1200.00")
    budget_policy_save(policy=policy)
    entries = list(AuditEntry.objects.filter(action="budget_policy.saved").order_by("pk"))
    assert len(entries) == 2
    assert entries[0].changes["amount"] == "1000.00"
    assert entries[1].changes == {"amount": ["1000.00", "1200.00"]}
    budget_policy_save(policy=policy)  # nothing changed: nothing recorded
    assert AuditEntry.objects.filter(action="budget_policy.saved").count() == 2


def test_learning_time_policy_changes_are_recorded(db):
    policy = policy_create(audience=EVERYONE, hours_per_fte=Decimal("40"), period="year")
    policy_update(policy=policy, hours_per_fte=Decimal("32"))
    created, updated = AuditEntry.objects.filter(action="time_policy.saved").order_by("pk")
    assert created.changes["period"] == "year"
    assert list(updated.changes) == ["hours_per_fte"]
    assert Decimal(updated.changes["hours_per_fte"][1]) == 32
    pk = policy.pk
    policy_delete(policy=policy)
    assert only("time_policy.deleted").object_id == str(pk)


def test_role_grant_is_recorded_by_the_administrator(personas):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    group = Group.objects.get_or_create(name=LD_STAFF_GROUP)[0]
    user_rights_set(user=personas.employee.user, by=admin, is_staff=True, is_superuser=False, groups=[group])
    entry = only("rights.changed")
    assert entry.actor_id == admin.pk
    assert entry.subject_id == personas.employee.pk
    assert sorted(entry.changes["added"]) == sorted(["staff", f"group:{LD_STAFF_GROUP}"])


def test_api_client_creation_and_revocation_are_recorded(personas):
    client, _token = api_client_create(name="Workday", scopes=["hris:write"], created_by=personas.hr.user)
    api_client_revoke(client=client, by=personas.hr.user)
    api_client_revoke(client=client, by=personas.hr.user)  # already revoked: nothing new
    created, revoked = only("api_client.created"), only("api_client.revoked")
    assert created.actor_id == revoked.actor_id == personas.hr.user.pk
    assert created.changes["scopes"] == ["hris:write"]
    assert "token" not in json.dumps(created.changes).lower()


def test_hris_sync_is_summarised_per_call_by_the_client(db):
    client, token = api_client_create(name="HRIS", scopes=["hris:write"])
    response = sync(Client(headers={"Authorization": f"Bearer {token}"}), base_payload(3))
    assert response.status_code == 200
    entry = only("api.write")
    assert entry.actor_id is None
    assert entry.actor_label == f"API client #{client.pk}"
    assert entry.changes["status"] == 200
    assert entry.changes["summary"].startswith("sync ")
    # the keys and names of the people synced are not in the trail
    assert "E1" not in json.dumps(entry.changes)
    assert "person1@" not in json.dumps(entry.changes)


def test_scim_deactivation_is_recorded_per_call(personas):
    _client, token = api_client_create(name="Entra", scopes=["hris:write"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    response = api.patch(
        f"/scim/v2/Users/{personas.other_employee.pk}", json.dumps(body), content_type="application/scim+json"
    )
    assert response.status_code == 200, response.content
    assert only("api.write").changes["method"] == "PATCH"


def test_survey_anonymity_settings_are_recorded(db):
    survey = survey_create(
        audience=EVERYONE, title="Pulse", closes_at=timezone.now() + timedelta(days=7), anonymous=True
    )
    survey_update(survey=survey, min_group_ratings=7)
    entries = list(AuditEntry.objects.filter(action="survey.anonymity").order_by("pk"))
    assert entries[0].changes["anonymous"] is True
    assert entries[1].changes == {"min_group_ratings": [entries[0].changes["min_group_ratings"], 7]}
    survey_update(survey=survey, title="Pulse 2")  # not an anonymity setting
    assert AuditEntry.objects.filter(action="survey.anonymity").count() == 2


def test_deactivation_is_recorded(personas):
    employee_deactivate(employee=personas.employee)
    assert only("employee.deactivated").subject_id == personas.employee.pk


def test_a_background_process_names_itself():
    with acting_as("nightly erasure"):
        entry = audit_record(action="person.erased", object_type="people.employee", object_id=1)
    assert (entry.actor_id, entry.actor_label) == (None, "nightly erasure")


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(action="made.up")


@pytest.mark.usefixtures("require_postgres")
def test_the_database_refuses_to_update_or_delete_an_audit_entry(db):
    entry = audit_record(action="person.erased", object_type="people.employee", object_id=1, reason="asked")
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="edited"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: connection.cursor().execute("UPDATE people_auditentry SET reason = 'x'"),
        lambda: connection.cursor().execute("DELETE FROM people_auditentry"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.reason == "asked"
    assert AuditEntry.objects.count() == 1


@pytest.mark.usefixtures("require_postgres")
def test_the_refusal_is_the_trigger_not_luck(db):
    """The negative control: with the trigger disabled in this transaction the same update goes
    through, so the test above fails if the trigger is missing."""
    entry = audit_record(action="person.erased", object_type="people.employee", object_id=1, reason="asked")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE people_auditentry DISABLE TRIGGER people_auditentry_append_only")
        cursor.execute("UPDATE people_auditentry SET reason = 'edited' WHERE id = %s", [entry.pk])
        cursor.execute("SELECT reason FROM people_auditentry WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0] == "edited"
        transaction.set_rollback(True)


@pytest.mark.usefixtures("require_postgres")
def test_erasure_scrubs_a_reason_through_the_one_update_the_trigger_allows(db):
    """Migration 0015 and people.privacy.erasure_scrub: inside a transaction that set
    leerborg.erasure = 'scrub', an update whose changed values all carry the marker passes; nothing
    else does, not even then (an id, a date, the action, a delete)."""
    entry = audit_record(
        action="budget.adjusted", object_type="budgets.budget", object_id=7, reason="extra for Jan Jansen", subject=3
    )

    def scrub_mode():
        connection.cursor().execute("SELECT set_config('leerborg.erasure', 'scrub', true)")

    refused = (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="extra for [erased]"),  # not in scrub mode
        lambda: (scrub_mode(), AuditEntry.objects.filter(pk=entry.pk).update(reason="extra for someone")),
        lambda: (scrub_mode(), AuditEntry.objects.filter(pk=entry.pk).update(reason="[erased]", subject_id=4)),
        lambda: (
            scrub_mode(),
            AuditEntry.objects.filter(pk=entry.pk).update(reason="[erased]", action="person.erased"),
        ),
        lambda: (scrub_mode(), AuditEntry.objects.filter(pk=entry.pk).update(reason="[erased]", at=timezone.now())),
        lambda: (scrub_mode(), AuditEntry.objects.filter(pk=entry.pk).delete()),
    )
    for attempt in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.reason == "extra for Jan Jansen"

    with transaction.atomic(), erasure_scrub():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="extra for [erased]", changes={"note": "[erased]"})
    entry.refresh_from_db()
    assert (entry.reason, entry.changes, entry.subject_id) == ("extra for [erased]", {"note": "[erased]"}, 3)
    # the erasure clears the setting again at once: afterwards the trail is append-only again
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="[erased] again")


@pytest.mark.usefixtures("require_postgres")
def test_erasure_scrubs_the_trail_and_leaves_the_setting_cleared(personas):
    from people.privacy import person_erase

    person = personas.other_employee
    entry = audit_record(
        action="budget.adjusted",
        object_type="budgets.budget",
        object_id=1,
        subject=person,
        reason=f"for {person.full_name}",
    )
    with transaction.atomic():
        person_erase(employee=person, by=personas.hr.user, reason="request")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('leerborg.erasure', true)")
            assert cursor.fetchone()[0] == ""  # cleared right after the sweep, still inside the transaction
    entry.refresh_from_db()
    assert entry.reason == "for [erased]"
    assert entry.subject_id == person.pk


# --- the page --------------------------------------------------------------------------------


def test_the_page_filters_pages_and_costs_a_fixed_number_of_queries(
    personas, client_for, django_assert_max_num_queries
):
    for n in range(60):
        audit_record(
            action="budget.adjusted",
            object_type="budgets.budget",
            object_id=n,
            subject=personas.employee,
            by=personas.hr.user,
            reason=f"r{n}",
        )
    audit_record(action="rights.changed", object_type="auth.user", object_id=1, by=personas.manager.user)
    c = client_for(personas.hr)
    c.get("/people/audit/")  # warm the session and translations
    with django_assert_max_num_queries(12):
        page = c.get("/people/audit/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Page 1 of 2" in body
    assert "61 entries" in body
    assert "Hanna Roos" in body
    assert "Zoë de Vries" in body
    assert "61 entries" not in c.get("/people/audit/?action=rights.changed").content.decode()
    assert "1 entry" in c.get("/people/audit/?action=rights.changed").content.decode()
    assert "1 entry" in c.get("/people/audit/?who=Yılmaz").content.decode()
    assert "1 entry" in c.get("/people/audit/?obj=budgets.budget:7").content.decode()
    assert "0 entries" in c.get("/people/audit/?since=2099-01-01").content.decode()


def test_the_csv_export_streams_every_match_and_is_itself_recorded(personas, client_for):
    for n in range(3):
        audit_record(action="budget.adjusted", object_type="budgets.budget", object_id=n, by=personas.hr.user)
    response = client_for(personas.hr).get("/people/audit/?export=csv&action=budget.adjusted")
    assert response.status_code == 200
    assert response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4  # header and three rows
    assert "Hanna Roos" in lines[1]
    assert only("audit.exported").actor_id == personas.hr.user.pk


@pytest.mark.parametrize("persona", ["employee", "manager", "outsider_manager"])
def test_nobody_else_reads_the_audit_log(personas, client_for, persona):
    c = client_for(getattr(personas, persona))
    assert c.get("/people/audit/").status_code == 403
    assert c.get("/people/audit/?export=csv").status_code == 403


def test_a_csv_import_is_recorded_with_its_counts_and_no_names(personas):
    from hris.csvimport import guess_mapping, read_rows
    from hris.models import CsvImport
    from hris.services import csv_import_apply

    content = "external_id,first_name,last_name,email\nE9,Anna,Bakker,anna.bakker@example.nl\n"
    record = CsvImport.objects.create(filename="people.csv", content=content, uploaded_by=personas.hr.user)
    header, _rows = read_rows(content)
    csv_import_apply(record=record, mapping=guess_mapping(header, {}), create_new=True)
    entry = only("hris.csv_import")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        personas.hr.user.pk,
        "hris.csvimport",
        str(record.pk),
    )
    assert entry.changes["mode"] == "partial"
    assert entry.changes["employees"]["created"] == 1
    assert "Bakker" not in json.dumps(entry.changes)
    assert "E9" not in json.dumps(entry.changes)


def test_a_reward_with_extra_budget_is_recorded_as_a_budget_adjustment(personas):
    from engagement.models import RewardPool
    from engagement.selectors import Quarter
    from engagement.services import reward_give

    BudgetPolicy.objects.create(
        name="All", amount=Decimal("1000.00"), hours=Decimal("40"), period_start=date(2026, 1, 1)
    )
    budget_allocate()
    RewardPool.objects.update_or_create(period=Quarter.parse(None).key, defaults={"amount": Decimal("500")})
    reward_give(
        employee=personas.employee,
        by=personas.hr.user,
        message="Thank you",
        amount=Decimal("150.00"),
        reason="Most active in Customer Service",
    )
    entry = only("budget.adjusted")
    assert (entry.actor_id, entry.subject_id) == (personas.hr.user.pk, personas.employee.pk)
    assert entry.changes["amount"] == "150.00"
    assert entry.reason == "Most active in Customer Service"


def test_a_reward_without_budget_changes_no_money_and_records_none(personas):
    from engagement.services import reward_give

    reward_give(employee=personas.employee, by=personas.hr.user, message="Thank you", badge="Learning pioneer")
    assert not AuditEntry.objects.filter(action="budget.adjusted").exists()
