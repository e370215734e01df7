"""Choosing one person out of thousands (issue 21): the employee edit form's manager and the
learning moment's host are a search box with the found people as radio buttons, not a drop-down
of every employee. The page reads the chosen person only; the search answers at most 20 people,
among those the asker may see; without JavaScript an exact e-mail address or HRIS key works."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.forms import EMPLOYEE_CHOICE_LIMIT
from people.models import Employee
from tests.bigteam import grow_team

pytestmark = pytest.mark.django_db


def _edit_data(e, **overrides):
    data = {
        "first_name": e.first_name,
        "last_name": e.last_name,
        "email": e.email,
        "department": e.department_id,
        "job_group": e.job_group_id,
        "manager": e.manager_id or "",
        "education_level": e.education_level,
        "fte": str(e.fte),
        "locale": e.locale,
        "active": "on",
    }
    return {**data, **overrides}


def _page(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html, len(queries)


@pytest.mark.parametrize("page", ["employee_edit", "moment_create"])
def test_the_form_neither_lists_nor_reads_everyone_as_the_organisation_grows(client_for, personas, page):
    client = client_for(personas.hr)
    url = {
        "employee_edit": reverse("people:employee_edit", args=[personas.employee.pk]),
        "moment_create": reverse("policy:moment_create"),
    }[page]
    small_html, small_queries = _page(client, url)
    grow_team(personas.outsider_manager, 300)
    large_html, large_queries = _page(client, url)
    assert large_queries == small_queries
    assert large_html.count("<option") == small_html.count("<option")
    assert "Big000299" not in large_html
    field = "manager" if page == "employee_edit" else "host"
    assert re.search(rf'<label\s+for="id_{field}"', large_html)
    assert re.search(rf'<input type="search" name="{field}_search" id="id_{field}"', large_html)


def test_the_current_manager_is_chosen_and_kept(client_for, personas):
    html = client_for(personas.hr).get(reverse("people:employee_edit", args=[personas.employee.pk])).content.decode()
    assert re.search(
        rf'name="manager" id="id_manager_{personas.manager.pk}" value="{personas.manager.pk}" checked', html
    )
    assert personas.manager.full_name in html


def test_a_manager_is_saved_from_the_list_or_from_an_exact_address_and_nothing_else(client_for, personas):
    client = client_for(personas.hr)
    e = personas.employee
    url = reverse("people:employee_edit", args=[e.pk])
    assert client.post(url, _edit_data(e, manager=personas.outsider_manager.pk)).status_code == 302
    e.refresh_from_db()
    assert e.manager_id == personas.outsider_manager.pk
    # Without JavaScript: no radio chosen, the search box holds the exact e-mail address.
    data = _edit_data(e, manager_search=personas.manager.email.upper())
    del data["manager"]
    assert client.post(url, data).status_code == 302
    e.refresh_from_db()
    assert e.manager_id == personas.manager.pk
    # A name that is not an exact address, or an id outside the active employees, is refused.
    data["manager_search"] = "Mehmet"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "manager" in response.context["form"].errors
    Employee.objects.filter(pk=personas.outsider_manager.pk).update(active=False)
    response = client.post(url, _edit_data(e, manager=personas.outsider_manager.pk))
    assert "manager" in response.context["form"].errors
    e.refresh_from_db()
    assert e.manager_id == personas.manager.pk
    # "Nobody" clears it.
    assert client.post(url, _edit_data(e, manager="")).status_code == 302
    e.refresh_from_db()
    assert e.manager_id is None


def _search(client, q, **extra):
    return client.get(
        reverse("people:employee_search"), {"manager_search": q, "name": "manager", "id": "id_manager", **extra}
    )


def test_the_search_shows_only_people_the_asker_may_see(client_for, personas):
    """L&D staff find anyone, a manager only the own team, an employee only themself."""
    hr, manager, employee = (client_for(getattr(personas, p)) for p in ("hr", "manager", "employee"))
    other = personas.other_employee.full_name
    assert other in _search(hr, personas.other_employee.last_name).content.decode()
    assert other not in _search(manager, personas.other_employee.last_name).content.decode()
    assert personas.indirect_report.full_name in _search(manager, personas.indirect_report.last_name).content.decode()
    html = _search(employee, "a").content.decode()
    assert personas.manager.full_name not in html
    assert personas.hr.full_name not in html
    # The chosen one goes along, and is shown only when the asker may see them.
    html = _search(employee, "x", manager=personas.other_employee.pk).content.decode()
    assert other not in html
    anonymous = client_for(None)
    assert _search(anonymous, "a").status_code == 302
    assert _search(hr, "a", name='x" onmouseover="').status_code == 400


def test_the_search_answers_at_most_20_in_constant_queries(client_for, personas):
    client = client_for(personas.hr)
    grow_team(personas.outsider_manager, 30)
    _search(client, "Big")
    with CaptureQueriesContext(connection) as small:
        _search(client, "Big", manager=personas.manager.pk)
    grow_team(personas.outsider_manager, 300)
    with CaptureQueriesContext(connection) as large:
        response = _search(client, "Big", manager=personas.manager.pk)
    html = response.content.decode()
    assert len(large) == len(small)
    assert html.count('type="radio"') == EMPLOYEE_CHOICE_LIMIT + 1  # the chosen one and 20 found
    assert "type more to narrow it down" in html
    assert f'value="{personas.manager.pk}" checked' in html


@pytest.mark.parametrize("url", ["/admin/policy/learningmoment/add/", "/admin/policy/learningtimepolicy/add/"])
def test_the_admin_forms_search_people_instead_of_listing_them(client_for, personas, url):
    client = client_for(personas.hr)
    small_html, small_queries = _page(client, url)
    grow_team(personas.outsider_manager, 300)
    large_html, large_queries = _page(client, url)
    assert large_queries == small_queries
    assert large_html.count("<option") == small_html.count("<option")
