"""No admin form lists the organisation's people as options: a form with a person in it (an owner,
a sponsor, a manager, a host) asks for them through the autocomplete, so its page costs the same
for 30 people and for 50,000 (bench.pages found the programme form at 4.8 s at 50,000 when its
sponsor and manager fields were plain drop-downs)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.bigteam import grow_team

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b")


def _add_pages(client) -> dict[str, int]:
    """Each admin add page L&D may open, with the number of options it carries."""
    counts = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        response = client.get(url)
        if response.status_code == 200:
            counts[url] = len(OPTION.findall(response.content.decode()))
    return counts


def test_no_admin_form_grows_with_the_organisation(personas, client_for):
    client = client_for(personas.hr)
    before = _add_pages(client)
    assert len(before) > 5  # the forms L&D staff can add through are there to check
    grow_team(personas.manager, 150)
    after = _add_pages(client)
    grown = {url: (before[url], after[url]) for url in before if after[url] != before[url]}
    assert grown == {}, f"admin forms whose options grow with the people (before, after): {grown}"


# --- delete confirmations: what goes with the object is counted, not listed ----------------------------

LISTED = re.compile(r"<li\b")


def _delete_pages(client, org) -> dict[str, tuple[int, int]]:
    """The delete confirmation of each people model L&D may delete (the personas' department and
    job group, both in use by people), with its list items and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = {}
    for model in admin.site._registry:
        if model._meta.app_label != "people":
            continue
        target = {"department": org["service"], "jobgroup": org["agents"]}.get(model._meta.model_name)
        if target is None:
            continue
        url = reverse(f"admin:people_{model._meta.model_name}_delete", args=[target.pk])
        client.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = (len(LISTED.findall(response.content.decode())), len(queries))
    return pages


def test_no_people_delete_confirmation_grows_with_the_organisation(personas, org, client_for):
    client = client_for(personas.hr)
    before = _delete_pages(client, org)
    assert len(before) == 2
    grow_team(personas.manager, 150, department=org["service"], job_group=org["agents"])
    after = _delete_pages(client, org)
    assert after == before, f"delete confirmations that grow with the people (items, queries): {before} -> {after}"


def _both(objs, request):
    from django.contrib.admin.utils import get_deleted_objects

    model_admin = admin.site.get_model_admin(type(objs[0]))
    return model_admin.get_deleted_objects(objs, request), get_deleted_objects(objs, request, admin.site)


def test_the_delete_summary_refuses_and_counts_as_django_does(personas, org, rf):
    """Django's own listing is the reference: the same protection, permissions and counts."""
    from catalog.models import JobGroupSkill, Skill
    from tests.factories import DepartmentFactory, JobGroupFactory

    request = rf.get("/")
    request.user = personas.hr.user
    empty_group = JobGroupFactory(name="Nobody here")
    JobGroupSkill.objects.create(job_group=empty_group, skill=Skill.objects.create(name="Listening"))
    closed = DepartmentFactory(name="Closed", parent=org["finance"])
    DepartmentFactory(name="Closed too", parent=closed)
    cases = [[org["agents"]], [org["leads"]], [empty_group], [org["service"]], [org["root"]], [closed]]
    for objs in cases:
        (listing, counts, perms, protected), (django_listing, django_counts, django_perms, django_protected) = _both(
            objs, request
        )
        assert listing[0] == django_listing[0], objs
        assert counts == django_counts, objs
        assert perms == django_perms, objs
        assert sorted(map(str, protected)) == sorted(map(str, django_protected)), objs
    # Protected by more than five people: five are named and the rest counted.
    grow_team(personas.manager, 12, job_group=org["agents"])
    _, _, _, protected = _both([org["agents"]], request)[0]
    assert len(protected) == 6
    assert protected[-1] == f"… and {org['agents'].employees.count() - 5} more"
