"""Mandatory items due and overdue (scopes, hiring dates, renewal), and the named gaps in the offer."""

from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.models import JobGroupSkill, MandatoryRule, Status
from catalog.selectors import mandatory_due, offer_diversity
from people.audience import EVERYONE, Audience
from people.audience import AudienceKind as K
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SkillFactory
from tests.factories import EmployeeFactory, JobGroupFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)


def rule(item, **kw):
    defaults = {"audience": EVERYONE, "starts_on": date(2026, 1, 1), "due_days": 60}
    return MandatoryRule.objects.create(item=item, **{**defaults, **kw})


def test_due_and_overdue_by_rule_start_or_hiring_date(employee, other_employee):
    item = ItemFactory(title="Phishing")
    rule(item, starts_on=date(2026, 9, 1), due_days=60)  # due 31 Oct 2026
    employee.hired_on = date(2026, 11, 1)  # hired later: due 31 Dec 2026
    employee.save()
    dues = mandatory_due([employee, other_employee], today=TODAY)
    assert [(d.due_on, d.overdue) for d in dues[employee.pk]] == [(date(2026, 12, 31), False)]
    assert [(d.due_on, d.overdue) for d in dues[other_employee.pk]] == [(date(2026, 10, 31), True)]


def test_scope_department_subtree_and_job_group(org, employee, other_employee, manager):
    by_dept = rule(ItemFactory(title="Service basics"), audience=Audience.of(K.DEPARTMENT, department=org["root"]))
    by_group = rule(ItemFactory(title="Agents only"), audience=Audience.of(K.JOB_GROUP, job_group=org["agents"]))
    only_service = rule(
        ItemFactory(title="Service only"), audience=Audience.of(K.DEPARTMENT, department=org["service"])
    )
    dues = mandatory_due([employee, other_employee, manager], today=TODAY)

    def rules_of(person):
        return {d.rule.pk for d in dues.get(person.pk, [])}

    assert rules_of(employee) == {by_dept.pk, by_group.pk, only_service.pk}
    assert rules_of(other_employee) == {by_dept.pk, by_group.pk}  # finance: not below customer service
    assert rules_of(manager) == {by_dept.pk, only_service.pk}  # a team lead, not an agent


def test_completion_clears_a_one_off_rule_and_renewal_brings_it_back(employee):
    once = rule(ItemFactory(title="Code of conduct"))
    yearly = rule(ItemFactory(title="Fire safety"), renewal_months=12, due_days=30)
    done = datetime(2025, 11, 1, 12, tzinfo=UTC)
    EnrolmentFactory(employee=employee, item=once.item, status=Status.COMPLETED, completed_at=done)
    EnrolmentFactory(employee=employee, item=yearly.item, status=Status.COMPLETED, completed_at=done)
    dues = mandatory_due([employee], today=TODAY)[employee.pk]
    assert [(d.rule.pk, d.due_on, d.overdue) for d in dues] == [(yearly.pk, date(2026, 11, 1), True)]
    # Renewed recently: nothing due until 30 days before the next renewal.
    EnrolmentFactory(
        employee=employee, item=yearly.item, status=Status.COMPLETED, completed_at=done + timedelta(days=380)
    )
    assert mandatory_due([employee], today=TODAY) == {}


def test_inactive_rules_and_items_are_not_due(employee):
    rule(ItemFactory(), active=False)
    rule(ItemFactory(active=False))
    assert mandatory_due([employee], today=TODAY) == {}


def test_mandatory_due_runs_three_queries_for_any_team(django_assert_num_queries, org):
    rule(ItemFactory(), audience=Audience.of(K.DEPARTMENT, department=org["root"]))
    people = [EmployeeFactory(department=org["service"]) for _ in range(30)]
    with django_assert_num_queries(3):
        assert len(mandatory_due(people, today=TODAY)) == 30


def test_overdue_items_show_on_my_learning_and_on_the_team_view(client_for, employee, manager):
    rule(ItemFactory(title="Overdue course"), starts_on=date(2020, 1, 1), due_days=10)
    r = client_for(employee).get("/catalog/enrolments/")
    assert "Overdue course" in r.content.decode()
    assert "Overdue" in r.content.decode()
    r = client_for(manager).get("/catalog/team/")
    assert employee in {d.employee for d in r.context["overdue"]}
    assert manager not in {d.employee for d in r.context["overdue"]}  # the team view is the team's


# --- diversity -----------------------------------------------------------------------------------


@pytest.fixture
def warehouse(db):
    group = JobGroupFactory(name="Warehouse staff")
    for level in ("basic", "basic", "secondary"):
        EmployeeFactory(job_group=group, education_level=level)
    return group


def test_gaps_are_named(warehouse):
    data = SkillFactory(name="Data literacy")
    forklift = SkillFactory(name="Forklift")
    JobGroupSkill.objects.create(job_group=warehouse, skill=data)
    JobGroupSkill.objects.create(job_group=warehouse, skill=forklift)
    ItemFactory(format="elearning", level_basic=False, level_secondary=True, skills=[data])
    ItemFactory(format="elearning", level_basic=True, skills=[forklift])
    ItemFactory(format="video", level_basic=True, active=False, skills=[data])  # inactive: does not count
    gaps = offer_diversity().gaps
    assert "No item on Data literacy suits the basic level (needed by Warehouse staff)." in gaps
    assert "Only e-learning for Warehouse staff." in gaps
    assert "No coaching in the offer." in gaps
    assert not any("Forklift suits" in g for g in gaps)
    assert not any("secondary level" in g for g in gaps)


def test_a_varied_offer_has_no_job_group_gap(warehouse):
    forklift = SkillFactory(name="Forklift")
    JobGroupSkill.objects.create(job_group=warehouse, skill=forklift)
    ItemFactory(format="elearning", level_basic=True, level_secondary=True, skills=[forklift])
    ItemFactory(format="on_the_job", level_basic=True, skills=[forklift])
    gaps = offer_diversity().gaps
    assert not any("Warehouse" in g for g in gaps)


def test_job_group_without_any_item_is_named(warehouse):
    JobGroupSkill.objects.create(job_group=warehouse, skill=SkillFactory(name="Forklift"))
    assert "Nothing on offer for the skills Warehouse staff need." in offer_diversity().gaps


def test_diversity_page_shows_matrix_numbers_and_gaps_in_constant_queries(
    client_for, hr, warehouse, django_assert_num_queries
):
    skill = SkillFactory(name="Forklift")
    JobGroupSkill.objects.create(job_group=warehouse, skill=skill)
    ItemFactory(format="elearning", level_basic=True, skills=[skill])
    c = client_for(hr)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        r = c.get("/catalog/diversity/")
    assert "Only e-learning for Warehouse staff." in r.content.decode()
    for i in range(20):
        s = SkillFactory(name=f"Skill {i}")
        JobGroupSkill.objects.create(job_group=JobGroupFactory(), skill=s)
        ItemFactory(format="video", level_master=True, skills=[s])
    with django_assert_num_queries(len(small)):
        c.get("/catalog/diversity/")
