"""The department closure table stays right on every path that changes the tree: the services,
the admin, the HRIS bulk sync, the CSV import, SCIM and the demo; `people_check` verifies it."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Department, DepartmentClosure
from people.selectors import department_closure_problems, department_subtree_ids
from people.services import department_create, department_update
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def assert_closure_right():
    assert department_closure_problems() == {"missing": [], "extra": []}


def links():
    return set(DepartmentClosure.objects.values_list("ancestor__name", "descendant__name", "depth"))


def chain(depth: int) -> list[Department]:
    """Level 1 at the top, each next one below the last."""
    levels, parent = [], None
    for n in range(1, depth + 1):
        parent = department_create(name=f"Level {n}", parent=parent)
        levels.append(parent)
    return levels


def test_creating_a_department_links_it_to_itself_and_every_department_above():
    top, middle, bottom = chain(3)
    assert links() == {
        ("Level 1", "Level 1", 0),
        ("Level 2", "Level 2", 0),
        ("Level 3", "Level 3", 0),
        ("Level 1", "Level 2", 1),
        ("Level 2", "Level 3", 1),
        ("Level 1", "Level 3", 2),
    }
    assert department_subtree_ids(top.pk) == {top.pk, middle.pk, bottom.pk}
    assert department_subtree_ids(bottom.pk) == {bottom.pk}


def test_moving_a_department_moves_its_whole_subtree():
    levels = chain(5)
    other = department_create(name="Other")
    department_update(department=levels[2], parent=other)  # Level 3 (with 4 and 5) under Other
    assert_closure_right()
    assert department_subtree_ids(other.pk) == {other.pk, *(d.pk for d in levels[2:])}
    assert department_subtree_ids(levels[0].pk) == {levels[0].pk, levels[1].pk}
    assert ("Other", "Level 5", 3) in links()
    department_update(department=levels[2], parent=None)  # to the top
    assert_closure_right()
    assert department_subtree_ids(other.pk) == {other.pk}


def test_renaming_leaves_the_links_alone():
    _top, child = chain(2)
    before = set(DepartmentClosure.objects.values_list("pk", "ancestor_id", "descendant_id", "depth"))
    department_update(department=child, name="Level 2 renamed")
    assert set(DepartmentClosure.objects.values_list("pk", "ancestor_id", "descendant_id", "depth")) == before


def test_deleting_a_leaf_removes_its_links():
    top, child = chain(2)
    child.delete()
    assert_closure_right()
    assert set(DepartmentClosure.objects.values_list("descendant_id", flat=True)) == {top.pk}


def test_the_admin_creates_and_moves_through_the_services(client_for, hr):
    admin = client_for(hr)
    top = department_create(name="Top")
    response = admin.post("/admin/people/department/add/", {"name": "Added", "parent": top.pk, "external_id": ""})
    assert response.status_code == 302, response.content[:300]
    added = Department.objects.get(name="Added")
    assert ("Top", "Added", 1) in links()
    response = admin.post(f"/admin/people/department/{added.pk}/change/", {"name": "Added", "parent": ""})
    assert response.status_code == 302
    assert ("Top", "Added", 1) not in links()
    assert_closure_right()


def _sync(payload):
    from hris.sync import hris_sync

    return hris_sync(payload=payload)


def test_the_hris_bulk_sync_creates_and_moves_departments_in_the_closure():
    _sync(
        {
            "departments": [
                {"external_id": "D1", "name": "Org"},
                {"external_id": "D2", "name": "Sales", "parent": "D1"},
                {"external_id": "D3", "name": "Inside sales", "parent": "D2"},
                {"external_id": "D4", "name": "Service", "parent": "D1"},
            ]
        }
    )
    assert_closure_right()
    assert ("Org", "Inside sales", 2) in links()
    # A later sync moves Sales (and so Inside sales) under Service.
    _sync({"departments": [{"external_id": "D2", "name": "Sales", "parent": "D4"}]})
    assert_closure_right()
    assert ("Service", "Inside sales", 2) in links()
    assert ("Org", "Inside sales", 3) in links()


def test_a_dry_run_or_a_rejected_sync_writes_no_links():
    from hris.sync import SyncRejected

    _sync({"dry_run": True, "departments": [{"external_id": "D1", "name": "Org"}]})
    with pytest.raises(SyncRejected):
        _sync({"departments": [{"external_id": "D1", "name": "Org", "parent": "D9"}]})
    assert not DepartmentClosure.objects.exists()


def test_the_csv_import_creates_departments_in_the_closure(client_for, hr):
    from hris.models import CsvImport

    admin = client_for(hr)
    text = (
        "external_id;first_name;last_name;email;department;department_name\n"
        "E1;Zoë;de Vries;zoe@example.nl;D10;Verkoop\n"
    )
    upload = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    assert admin.post("/hris/import/", {"file": upload, "mode": "partial"}).status_code == 302
    record = CsvImport.objects.latest("pk")
    assert admin.post(f"/hris/import/{record.pk}/apply/", {"create_new": "on"}).status_code == 302
    verkoop = Department.objects.get(external_id="D10")
    assert DepartmentClosure.objects.filter(ancestor=verkoop, descendant=verkoop, depth=0).exists()
    assert_closure_right()


def test_scim_creates_departments_in_the_closure():
    from django.test import Client

    from hris.services import api_client_create

    _client, token = api_client_create(name="IdP", scopes=["hris:write"])
    scim = Client(headers={"Authorization": f"Bearer {token}"})
    user = {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "userName": "zoe@example.nl",
        "name": {"givenName": "Zoë", "familyName": "de Vries"},
        "emails": [{"value": "zoe@example.nl", "primary": True}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "E1", "department": "Sales"},
    }
    assert scim.post("/scim/v2/Users", json.dumps(user), content_type="application/scim+json").status_code == 201
    group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Service", "members": []}
    response = scim.post("/scim/v2/Groups", json.dumps(group), content_type="application/scim+json")
    assert response.status_code == 201
    assert {(a, d, n) for a, d, n in links()} == {("Sales", "Sales", 0), ("Service", "Service", 0)}
    assert scim.delete(f"/scim/v2/Groups/{response.json()['id']}").status_code == 204
    assert_closure_right()


def test_the_rest_api_creates_and_moves_departments_through_the_services():
    from django.test import Client

    from hris.services import api_client_create

    _client, token = api_client_create(name="HRIS", scopes=["hris:write"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    top = department_create(name="Top")
    other = department_create(name="Other")
    response = api.post("/api/v1/departments/", {"name": "Sub", "parent": top.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    sub = response.json()["id"]
    assert ("Top", "Sub", 1) in links()
    response = api.patch(f"/api/v1/departments/{sub}/", {"parent": other.pk}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert ("Other", "Sub", 1) in links()
    assert ("Top", "Sub", 1) not in links()
    assert_closure_right()


def test_the_demo_organisation_has_a_right_closure():
    from people.demo import seed_people

    seed_people()
    assert DepartmentClosure.objects.count() > Department.objects.count()  # the tree has levels
    assert_closure_right()


def test_people_check_finds_a_wrong_row_and_repairs_it(capsys):
    top, child = chain(2)
    call_command("people_check")
    assert "matches the tree" in capsys.readouterr().out
    DepartmentClosure.objects.filter(ancestor=top, descendant=child).delete()
    DepartmentClosure.objects.create(ancestor=child, descendant=top, depth=1)
    with pytest.raises(CommandError, match="2 department subtree row"):
        call_command("people_check")
    out = capsys.readouterr().out
    assert f"missing: department {child.pk} below {top.pk} at depth 1" in out
    assert f"extra: department {top.pk} below {child.pk} at depth 1" in out
    call_command("people_check", "--repair")
    assert "1 row(s) added, 1 removed" in capsys.readouterr().out
    assert_closure_right()


def test_a_factory_department_goes_through_the_service():
    department = DepartmentFactory(parent=DepartmentFactory())
    assert DepartmentClosure.objects.filter(descendant=department).count() == 2


def test_a_move_costs_the_same_number_of_queries_however_deep():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for depth in (2, 8):
        levels = chain(depth)
        other = department_create(name=f"Other {depth}")
        with CaptureQueriesContext(connection) as captured:
            department_update(department=levels[-1], parent=other)
        counts.append(len(captured))
        assert_closure_right()
    assert counts[0] == counts[1] <= 14


def test_subtree_totals_add_up_to_the_organisation_in_one_query_however_deep():
    from django.db import connection
    from django.db.models import Count, Q, Sum
    from django.test.utils import CaptureQueriesContext

    from people.models import Employee
    from people.selectors import department_subtree_totals
    from tests.factories import EmployeeFactory

    levels = chain(6)
    side = department_create(name="Side", parent=levels[0])
    for n, department in enumerate([*levels, side]):
        EmployeeFactory.create_batch(n + 1, department=department, fte="0.50")
    EmployeeFactory(department=levels[5], active=False)
    EmployeeFactory(department=None)
    with CaptureQueriesContext(connection) as captured:
        totals = department_subtree_totals(
            Employee.objects.all(), employee="", people=Count("pk", filter=Q(active=True)), fte=Sum("fte")
        )
    assert len(captured) == 1
    assert (
        totals[levels[0].pk]["people"]
        == 1 + 2 + 3 + 4 + 5 + 6 + 7
        == Employee.objects.filter(active=True, department__isnull=False).count()
    )
    assert totals[levels[4].pk]["people"] == 5 + 6
    assert totals[side.pk] == {"people": 7, "fte": Decimal("3.50")}
    # The same breakdown over another table, by the path from its rows to the employee.
    from catalog.models import Enrolment
    from tests.catalog.factories import EnrolmentFactory

    for person in Employee.objects.filter(department__in=levels[3:5]):
        EnrolmentFactory(employee=person, status="completed")
    enrolments = department_subtree_totals(Enrolment.objects.all(), n=Count("pk"))
    assert enrolments[levels[0].pk] == enrolments[levels[3].pk] == {"n": 4 + 5}
    assert levels[5].pk not in enrolments
