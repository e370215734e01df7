"""The one audience form field: it cleans to an Audience with the shared validation, shows only
the parts the kind needs (the department from the tree) and how many people it reaches, and htmx
fetches it again from `people:audience_field` in a constant number of queries."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.audience import Audience, AudienceKind
from people.forms import AudienceField
from people.services import department_create, employee_deactivate
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


class RuleForm(forms.Form):
    audience = AudienceField()


class MomentForm(forms.Form):
    audience = AudienceField(kinds=[AudienceKind.EVERYONE, AudienceKind.DEPARTMENT], optional=True)


def clean(form_class, **data):
    form = form_class({f"audience_{key}": value for key, value in data.items()})
    return form.cleaned_data.get("audience") if form.is_valid() else form.errors["audience"]


def test_it_cleans_to_an_audience_and_drops_parts_the_kind_does_not_use(org, personas):
    assert clean(RuleForm, kind="department", department=org["service"].pk) == Audience.of(
        AudienceKind.DEPARTMENT, department=org["service"]
    )
    assert clean(RuleForm, kind="everyone", department=org["service"].pk) == Audience(AudienceKind.EVERYONE)
    assert clean(RuleForm, kind="team", manager=personas.manager.pk) == Audience.of(
        AudienceKind.TEAM, manager=personas.manager
    )


def test_bad_input_is_a_field_error(org, personas):
    assert clean(RuleForm, kind="department") == ["Choose the department (its sub-departments are included)."]
    assert clean(RuleForm, kind="job_group", job_group=999999) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert clean(RuleForm) == ["Choose who this applies to."]
    employee_deactivate(employee=personas.manager)
    assert clean(RuleForm, kind="team", manager=personas.manager.pk) == [
        f"{personas.manager.full_name} no longer works here; choose an active manager."
    ]
    assert clean(MomentForm, kind="managers") == ["This audience cannot be chosen here."]
    assert clean(MomentForm) == Audience("")  # not chosen yet, where that is allowed


def test_it_shows_the_parts_of_the_kind_and_how_many_it_reaches(org, personas):
    service = Audience.of(AudienceKind.DEPARTMENT, department=org["service"])
    html = str(RuleForm(initial={"audience": service})["audience"].as_field_group())
    assert '<legend class="form-label fs-6 fw-semibold mb-1">Who it applies to</legend>' in html
    assert 'name="audience_kind"' in html
    assert 'name="audience_department"' in html
    assert 'name="audience_job_group"' not in html
    assert 'name="audience_manager"' not in html
    assert "Reaches 4 people now." in html  # manager, employee, team lead and the indirect report
    # The tree: the root, then its sub-departments indented.
    assert f'<option value="{org["root"].pk}">Organisation</option>' in html
    assert f'<option value="{org["service"].pk}" selected>\u2003Customer Service</option>' in html
    html = str(RuleForm()["audience"].as_field_group())
    assert "Reaches 7 people now." in html  # everyone
    assert 'name="audience_department"' not in html


def test_errors_are_tied_to_the_fieldset(org):
    form = RuleForm({"audience_kind": "department"})
    assert not form.is_valid()
    html = str(form["audience"].as_field_group())
    assert 'aria-describedby="id_audience_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Choose the rest to see how many people it reaches." in html


def test_htmx_fetches_the_widget_for_the_chosen_kind(client_for, hr, org, personas):
    client = client_for(hr)
    url = reverse("people:audience_field")
    page = client.get(url, {"name": "audience", "kinds": "everyone,department,job_group", "audience_kind": "job_group"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="audience_job_group"' in html
    assert 'name="audience_department"' not in html
    assert "Choose the rest" in html
    html = client.get(
        url, {"name": "audience", "audience_kind": "job_group", "audience_job_group": org["agents"].pk}
    ).content.decode()
    assert "Reaches 3 people now." in html  # Zoë, the indirect report and the finance colleague
    assert client.get(url, {"name": 'audience"><script>'}).status_code == 400


def test_the_htmx_widget_costs_the_same_for_a_small_and_a_large_organisation(client_for, hr, org):
    client = client_for(hr)
    url = reverse("people:audience_field")

    def queries():
        params = {"name": "audience", "audience_kind": "team", "audience_manager": hr.pk}
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    small = queries()
    parent = org["root"]
    for n in range(15):
        parent = department_create(name=f"Level {n}", parent=parent)
        boss = EmployeeFactory(department=parent, manager=hr)
        EmployeeFactory.create_batch(3, department=parent, manager=boss)
    assert queries() == small


def test_a_teams_manager_is_searched_not_listed_as_the_organisation_grows(client_for, hr, personas):
    """The team kind's manager part was a drop-down of every manager (0.16 s at 50,000 people)."""
    from people.forms import EMPLOYEE_CHOICE_LIMIT
    from tests.bigteam import grow_team

    client = client_for(hr)
    url = reverse("people:audience_field")
    params = {"name": "audience", "audience_kind": "team", "audience_manager": personas.manager.pk}

    def page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    small_html, small_queries = page()
    grow_team(personas.outsider_manager, 300, leads=60)  # 60 more managers
    large_html, large_queries = page()
    assert (large_queries, len(large_html)) == (small_queries, len(small_html))
    assert "Big000059" not in large_html
    # The chosen manager is kept, the label names the search box, and the reach follows the choice.
    assert re.search(r'<label class="form-label mb-1" for="id_audience_3">Manager</label>', large_html)
    assert 'type="search" name="audience_manager_search" id="id_audience_3"' in large_html
    assert f'value="{personas.manager.pk}" checked' in large_html
    assert "Reaches 3 people now." in large_html
    # The search: managers only, at most 20, by name, in the same queries at any size.
    search = reverse("people:manager_search")
    query = {"name": "audience_manager", "id": "id_audience_3", "audience_manager_search": "Big"}
    with CaptureQueriesContext(connection) as captured:
        found = client.get(search, query).content.decode()
    assert found.count('type="radio"') == EMPLOYEE_CHOICE_LIMIT
    assert "@example.test" not in found  # names, no e-mail addresses
    grow_team(personas.outsider_manager, 300, leads=60)
    with CaptureQueriesContext(connection) as again:
        client.get(search, query)
    assert len(again) == len(captured)
    employee = client.get(search, {**query, "audience_manager_search": personas.employee.last_name}).content.decode()
    assert personas.employee.full_name not in employee  # manages nobody
    assert (
        personas.manager.full_name
        in client.get(search, {**query, "audience_manager_search": personas.manager.last_name}).content.decode()
    )


def test_a_teams_manager_typed_without_javascript_or_forged(org, personas):
    """Without JavaScript the exact e-mail address works; a forged id is the form's error."""
    typed = RuleForm({"audience_kind": "team", "audience_manager_search": personas.manager.email})
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["audience"] == Audience.of(AudienceKind.TEAM, manager=personas.manager)
    for forged in ("987654", "Mehmet", "1 OR 1=1"):
        form = RuleForm({"audience_kind": "team", "audience_manager": forged})
        assert not form.is_valid()
        assert "audience" in form.errors
