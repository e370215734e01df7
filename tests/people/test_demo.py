"""The demo organisation is believable, and loading it twice changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from people.access import roles_of
from people.models import Department, EducationLevel, Employee, JobGroup

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Employee.objects.count(),
        Department.objects.count(),
        JobGroup.objects.count(),
        get_user_model().objects.count(),
        sorted(Employee.objects.values_list("external_id", "email", "manager__external_id", "fte")),
    )


def test_seed_demo_builds_a_believable_organisation_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = _snapshot()
    out = capsys.readouterr().out
    call_command("seed_demo")
    assert _snapshot() == first

    employees, _departments, job_groups, _users, _rows = first
    assert 280 <= employees <= 320
    assert 6 <= Department.objects.filter(parent__isnull=False).count() <= 10
    assert Department.objects.filter(parent__parent__isnull=False).exists(), "a tree, not a flat list"
    assert job_groups >= 5
    assert set(Employee.objects.values_list("education_level", flat=True)) == set(EducationLevel.values)
    assert Employee.objects.filter(last_name__regex=r"[^\x00-\x7f]").count() >= 10, "names with diacritics"
    assert Employee.objects.filter(manager__isnull=True).count() == 1, "one top of the org chart"

    for username in ("hr", "manager", "employee"):
        assert f"user {username}" in out
    User = get_user_model()
    assert roles_of(User.objects.get(username="hr")).is_ld_staff
    assert roles_of(User.objects.get(username="manager")).is_manager
    plain = roles_of(User.objects.get(username="employee"))
    assert plain.is_employee
    assert not plain.is_manager
    assert not plain.is_ld_staff
    assert plain.employee.manager.user.username == "manager"
