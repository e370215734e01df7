"""On the demo organisation: for every employee (some of whom left) and every audience the demo uses,
`audience_contains`, the matcher and `audiences_containing` say exactly what `employees_in` says;
and the same for one audience of each kind over every department, job group and manager."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from people.audience import (
    Audience,
    AudienceKind,
    AudienceMatcher,
    AudienceModel,
    audience_contains,
    audiences_containing,
    employees_in,
    manages_someone,
)
from people.models import Department, Employee, JobGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    leavers = list(Employee.objects.order_by("pk").values_list("pk", flat=True))[5::41]
    Employee.objects.filter(pk__in=leavers).update(active=False)
    return list(Employee.objects.order_by("pk"))


def audience_models():
    return [m for m in apps.get_models() if issubclass(m, AudienceModel)]


def members(audience):
    return (
        set(employees_in(audience).values_list("pk", flat=True)),
        set(employees_in(audience, include_inactive=True).values_list("pk", flat=True)),
    )


def test_every_audience_the_demo_uses_agrees_for_every_employee(demo):
    used = {row.audience for model in audience_models() for row in model.objects.all() if row.audience.is_set}
    assert {a.kind for a in used} == set(AudienceKind.values)  # the demo uses every kind
    for audience in used:
        active, everyone = members(audience)
        for employee in demo:
            assert audience_contains(audience, employee) is (employee.pk in active), (audience, employee)
            assert audience_contains(audience, employee, include_inactive=True) is (employee.pk in everyone)
    for model in audience_models():
        reached = {row.pk: members(row.audience)[0] for row in model.objects.all()}
        for employee in demo:
            found = set(audiences_containing(model.objects.all(), employee).values_list("pk", flat=True))
            assert found == {pk for pk, people in reached.items() if employee.pk in people}, (model, employee)


def test_one_audience_of_each_kind_everywhere_in_the_demo_agrees_in_memory(demo):
    departments = list(Department.objects.values_list("pk", flat=True))
    groups = list(JobGroup.objects.values_list("pk", flat=True))
    managers = list(Employee.objects.filter(manages_someone()).values_list("pk", flat=True))
    audiences = [Audience(AudienceKind.EVERYONE), Audience(AudienceKind.MANAGERS)]
    audiences += [Audience.of(AudienceKind.DEPARTMENT, department=d) for d in departments]
    audiences += [Audience.of(AudienceKind.JOB_GROUP, job_group=g) for g in groups]
    audiences += [
        Audience.of(AudienceKind.DEPARTMENT_JOB_GROUP, department=d, job_group=g) for d in departments for g in groups
    ]
    audiences += [Audience.of(AudienceKind.TEAM, manager=m) for m in managers]
    matcher = AudienceMatcher(audiences, demo)
    for audience in audiences:
        active, everyone = members(audience)
        for employee in demo:
            assert matcher.contains(audience, employee) is (employee.pk in active), (audience, employee)
            assert matcher.contains(audience, employee, include_inactive=True) is (employee.pk in everyone)
    assert len(audiences) > 100
