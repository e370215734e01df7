"""The reporting-line closure table: kept right by every write path (services, the HRIS sync, the
demo, the factory), verified and repaired by `people_check`, and a team's size costs no queries."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hris.sync import hris_sync
from people.access import can_view_employee, employees_visible_to
from people.audience import Audience, AudienceKind, AudienceMatcher, employees_in
from people.models import Employee, ReportingLine
from people.reporting import reporting_line_problems, team_members
from people.services import employee_create, employee_update, reporting_lines_refresh
from tests.factories import DepartmentFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def lines() -> set[tuple[int, int, int]]:
    return set(ReportingLine.objects.values_list("manager_id", "member_id", "depth"))


def assert_lines_right():
    assert reporting_line_problems() == {"missing": [], "extra": []}


def chain(n: int) -> list[Employee]:
    """n employees, each managing the next."""
    people, boss = [], None
    for _ in range(n):
        boss = EmployeeFactory(manager=boss)
        people.append(boss)
    return people


def test_every_employee_has_a_line_to_each_manager_above_and_to_themself():
    top, middle, bottom = chain(3)
    assert lines() >= {
        (top.pk, top.pk, 0),
        (top.pk, middle.pk, 1),
        (top.pk, bottom.pk, 2),
        (middle.pk, bottom.pk, 1),
        (bottom.pk, bottom.pk, 0),
    }
    assert_lines_right()


def test_the_services_keep_the_lines_right_when_a_manager_changes():
    top, middle, bottom = chain(3)
    other = EmployeeFactory()
    newcomer = employee_create(first_name="N", last_name="Ew", email="new@example.test", manager=bottom)
    assert ReportingLine.objects.filter(manager=top, member=newcomer, depth=3).exists()
    employee_update(employee=middle, manager=other)  # moves middle, bottom and the newcomer
    assert_lines_right()
    assert set(team_members(other.pk).values_list("pk", flat=True)) == {middle.pk, bottom.pk, newcomer.pk}
    assert not team_members(top.pk).exists()
    employee_update(employee=middle, manager=None)
    assert_lines_right()
    assert not team_members(other.pk).exists()


def test_the_hris_sync_writes_the_lines_for_new_and_moved_people():
    def row(n, manager=None):
        return {
            "external_id": f"S{n}",
            "first_name": "S",
            "last_name": str(n),
            "email": f"s{n}@example.test",
            "manager": manager,
        }

    hris_sync(payload={"mode": "partial", "employees": [row(1), row(2, "S1"), row(3, "S2"), row(4)]}, dry_run=False)
    assert_lines_right()
    s1, s3, s4 = (Employee.objects.get(external_id=f"S{n}") for n in (1, 3, 4))
    assert ReportingLine.objects.filter(manager=s1, member=s3, depth=2).exists()
    hris_sync(payload={"mode": "partial", "employees": [row(2, "S4")]}, dry_run=False)  # S2 and S3 move
    assert_lines_right()
    assert set(team_members(s4.pk).values_list("external_id", flat=True)) == {"S2", "S3"}
    assert not team_members(s1.pk).exists()


def test_a_large_refresh_recomputes_everything_in_the_same_two_statements():
    people = chain(4)
    ReportingLine.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        assert reporting_lines_refresh(under=[people[0].pk]) == {"added": 10, "removed": 0}
    ReportingLine.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        reporting_lines_refresh(under=range(1, 10_000))  # beyond MAX_UNDER: everyone
    assert_lines_right()
    assert len(few) == len(many)


def test_the_demo_builds_the_lines():
    from people.demo import seed_people

    seed_people()
    assert ReportingLine.objects.filter(depth__gte=3).exists()  # the demo has levels
    assert_lines_right()


def test_people_check_finds_a_wrong_line_and_repairs_it(capsys):
    top, middle, bottom = chain(3)
    call_command("people_check")
    assert "The reporting-line table matches the managers." in capsys.readouterr().out
    ReportingLine.objects.filter(manager=top, member=bottom).delete()
    ReportingLine.objects.filter(manager=middle, member=bottom).update(depth=4)
    with pytest.raises(CommandError, match="3 reporting-line row"):
        call_command("people_check")
    out = capsys.readouterr().out
    assert f"missing: employee {bottom.pk} below manager {top.pk} at depth 2" in out
    assert f"missing: employee {bottom.pk} below manager {middle.pk} at depth 1" in out
    assert f"extra: employee {bottom.pk} below manager {middle.pk} at depth 4" in out
    call_command("people_check", "--repair")
    assert "reporting-line table: 2 row(s) added, 1 removed" in capsys.readouterr().out
    assert_lines_right()


def test_a_loop_in_old_data_ends_the_walk():
    a, b = chain(2)
    Employee.objects.filter(pk=a.pk).update(manager=b)  # around the services, as old data might be
    reporting_lines_refresh()
    assert (a.pk, b.pk, 1) in lines()
    assert (b.pk, a.pk, 1) in lines()
    assert_lines_right()


def _team(size: int) -> Employee:
    """A boss with `size` people below, five levels deep at most."""
    boss = EmployeeFactory(department=DepartmentFactory())
    managers = [boss]
    for n in range(size):
        managers.append(EmployeeFactory(manager=managers[n // 5], department=boss.department))
    return boss


@pytest.mark.parametrize("size", [5, 50])
def test_a_team_costs_the_same_queries_whatever_its_size(size, django_assert_num_queries):
    boss = _team(size)
    boss.user = UserFactory()
    boss.save()
    deepest = Employee.objects.order_by("-pk").first()
    outsider = EmployeeFactory()
    audience = Audience.of(AudienceKind.TEAM, manager=boss)
    with django_assert_num_queries(6):  # roles_of takes two
        assert team_members(boss.pk).count() == size
        assert employees_in(audience).count() == size
        assert employees_visible_to(boss.user).count() == size + 1
        assert can_view_employee(boss.user, deepest)
        assert not can_view_employee(boss.user, outsider)
    with django_assert_num_queries(1):
        matcher = AudienceMatcher([audience], [deepest, outsider])
    assert matcher.contains(audience, deepest)
    assert not matcher.contains(audience, outsider)
