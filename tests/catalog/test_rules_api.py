"""Mandatory rules over the API: the audience is read and written as people's one `Audience`
component; bad input is a field error under `audience` and saves nothing."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import MandatoryRule
from catalog.services import mandatory_rule_create
from people.audience import EVERYONE, Audience, AudienceKind
from people.services import department_create, employee_deactivate
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ld(client_for, hr):
    return client_for(hr)


def post(client, data, url=None):
    return client.post(url or reverse("api:mandatory-rule-list"), json.dumps(data), content_type="application/json")


def rule_data(audience, **extra):
    return {"item": ItemFactory().pk, "audience": audience, "starts_on": "2026-01-01", "due_days": 30, **extra}


def test_a_rule_is_created_with_its_audience_and_shown_with_its_label(ld, org):
    response = post(
        ld, rule_data({"kind": "department_job_group", "department": org["root"].pk, "job_group": org["agents"].pk})
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["audience"] == {
        "kind": "department_job_group",
        "department": org["root"].pk,
        "job_group": org["agents"].pk,
        "manager": None,
        "label": "Organisation and its sub-departments · Agents",
    }
    rule = MandatoryRule.objects.get()
    assert rule.audience == Audience.of(
        AudienceKind.DEPARTMENT_JOB_GROUP, department=org["root"], job_group=org["agents"]
    )


def test_parts_the_kind_does_not_use_are_dropped(ld, org):
    response = post(ld, rule_data({"kind": "everyone", "department": org["root"].pk}))
    assert response.status_code == 201
    assert response.json()["audience"]["department"] is None
    assert MandatoryRule.objects.get().audience == EVERYONE


@pytest.mark.parametrize(
    ("audience", "errors"),
    [
        ({"kind": "department"}, {"department": ["Choose the department (its sub-departments are included)."]}),
        ({"kind": "job_group", "job_group": 999999}, {"job_group": ['Invalid pk "999999" - object does not exist.']}),
        ({"kind": "department", "department": "gone"}, {"department": ["deleted"]}),
        ({"kind": "team"}, {"manager": ["Choose the manager whose team it is."]}),
        ({"kind": "team", "manager": "inactive"}, {"manager": ["no longer works here"]}),
        ({"kind": "nobody"}, {"kind": ['"nobody" is not a valid choice.']}),
        ({"kind": "department", "department": True}, {"department": ["Expected an integer id."]}),
        ({"kind": "department", "department": "12"}, {"department": ["Expected an integer id."]}),
        ({"kind": 1}, {"kind": ["Expected a string."]}),
        ("everyone", {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
    ],
)
def test_bad_audiences_are_field_errors_and_save_nothing(ld, org, personas, audience, errors):
    if isinstance(audience, dict) and audience.get("department") == "gone":
        gone = department_create(name="Closed down")
        gone_id = gone.pk
        gone.delete()
        audience = {**audience, "department": gone_id}
        errors = {"department": [f'Invalid pk "{gone_id}" - object does not exist.']}
    if isinstance(audience, dict) and audience.get("manager") == "inactive":
        employee_deactivate(employee=personas.outsider_manager)
        audience = {**audience, "manager": personas.outsider_manager.pk}
        errors = {"manager": [f"{personas.outsider_manager.full_name} no longer works here; choose an active manager."]}
    response = post(ld, rule_data(audience))
    assert response.status_code == 400, response.content
    assert response.json() == {"audience": errors}
    assert not MandatoryRule.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("due_days", "30", "Expected a whole number."),
        ("due_days", -1, "Ensure this value is greater than or equal to 0."),
        ("active", "true", "Expected true or false."),
        ("item", "1", "Expected an integer id."),
    ],
)
def test_the_other_fields_are_strict_too(ld, field, value, error):
    response = post(ld, rule_data({"kind": "everyone"}) | {field: value})
    assert response.status_code == 400
    assert response.json() == {field: [error]}
    assert not MandatoryRule.objects.exists()


def test_a_patch_keeps_the_audience_unless_it_is_sent_and_refuses_a_bad_one(ld, org):
    rule = mandatory_rule_create(
        item=ItemFactory(),
        audience=Audience.of(AudienceKind.JOB_GROUP, job_group=org["agents"]),
        starts_on=date(2026, 1, 1),
        due_days=30,
    )
    url = reverse("api:mandatory-rule-detail", kwargs={"pk": rule.pk})
    response = ld.patch(url, json.dumps({"due_days": 14}), content_type="application/json")
    assert response.status_code == 200, response.content
    rule.refresh_from_db()
    assert (rule.due_days, rule.audience_job_group_id) == (14, org["agents"].pk)
    bad = ld.patch(
        url,
        json.dumps({"audience": {"kind": "department_job_group", "job_group": org["agents"].pk}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"audience": {"department": ["Choose the department (its sub-departments are included)."]}}
    without_kind = {"audience": {"department": org["root"].pk}}
    bad = ld.patch(url, json.dumps(without_kind), content_type="application/json")
    assert bad.status_code == 400
    assert bad.json() == {"audience": {"kind": ["This field is required."]}}
    response = ld.patch(url, json.dumps({"audience": {"kind": "managers"}}), content_type="application/json")
    assert response.json()["audience"]["label"] == "Managers only"
    rule.refresh_from_db()
    assert (rule.audience_kind, rule.audience_job_group_id, rule.due_days) == ("managers", None, 14)


def test_the_list_costs_the_same_for_two_and_twenty_rules(ld, org):
    def count(n):
        for _ in range(n):
            mandatory_rule_create(
                item=ItemFactory(),
                audience=Audience.of(AudienceKind.DEPARTMENT, department=org["root"]),
                starts_on=date(2026, 1, 1),
                due_days=30,
            )
        with CaptureQueriesContext(connection) as captured:
            assert ld.get(reverse("api:mandatory-rule-list")).status_code == 200
        return len(captured)

    assert count(2) == count(18)


def test_the_schema_has_one_audience_component(ld):
    schema = ld.get(reverse("schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert {"Audience", "AudienceRequest"} <= components.keys()
    assert not [
        name
        for name in components
        if name.startswith("Audience") and name not in ("Audience", "AudienceRequest", "AudienceKindEnum")
    ]
    assert components["MandatoryRule"]["properties"]["audience"]["allOf"][0]["$ref"] == "#/components/schemas/Audience"
    request = components["MandatoryRuleRequest"]["properties"]["audience"]
    assert request["allOf"][0]["$ref"] == "#/components/schemas/AudienceRequest"
    kind = components["Audience"]["properties"]["kind"]
    assert kind["allOf"][0]["$ref"] == "#/components/schemas/AudienceKindEnum"
    assert components["AudienceKindEnum"]["enum"] == list(AudienceKind.values)
