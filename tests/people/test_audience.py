"""The shared audience: each kind resolves to the right people (a tree five levels deep, inactive
people, people who moved, an empty department); the in-memory and reverse tests agree with the SQL
one; the query count does not grow with depth or size; validation, labels and the system check."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from people.audience import Audience as A
from people.audience import (
    AudienceKind,
    AudienceMatcher,
    audience_contains,
    audience_label,
    audience_overlap,
    audience_problems,
    audience_size,
    employees_in,
    narrower,
    overlaps,
)
from people.models import Employee
from people.services import department_create, department_update, employee_deactivate, employee_update
from tests.factories import EmployeeFactory, JobGroupFactory

pytestmark = pytest.mark.django_db

K = AudienceKind


@pytest.fixture
def tree():
    """Five levels (L1 at the top), a sibling branch, an empty department, two job groups and a
    manager chain: boss (L1) > lead (L3) > engineers; one inactive engineer at L5."""
    levels, parent = [], None
    for n in range(1, 6):
        parent = department_create(name=f"L{n}", parent=parent)
        levels.append(parent)
    sibling = department_create(name="Sibling", parent=levels[0])
    empty = department_create(name="Empty", parent=levels[2])
    engineers, sales = JobGroupFactory(name="Engineers"), JobGroupFactory(name="Sales")
    boss = EmployeeFactory(department=levels[0], job_group=sales, last_name="Boss")
    lead = EmployeeFactory(department=levels[2], job_group=engineers, manager=boss, last_name="Lead")
    people = {
        "boss": boss,
        "lead": lead,
        "l2_sales": EmployeeFactory(department=levels[1], job_group=sales, manager=boss),
        "l4_eng": EmployeeFactory(department=levels[3], job_group=engineers, manager=lead),
        "l5_eng": EmployeeFactory(department=levels[4], job_group=engineers, manager=lead),
        "l5_gone": EmployeeFactory(department=levels[4], job_group=engineers, manager=lead, active=False),
        "sibling_eng": EmployeeFactory(department=sibling, job_group=engineers),
        "nowhere": EmployeeFactory(department=None, job_group=None),
    }
    return {"levels": levels, "sibling": sibling, "empty": empty, "engineers": engineers, "sales": sales, **people}


def names(queryset):
    return set(queryset.values_list("pk", flat=True))


def pks(t, *keys):
    return {t[k].pk for k in keys}


def every_audience(t) -> list[A]:
    departments = [*t["levels"], t["sibling"], t["empty"]]
    groups = [t["engineers"], t["sales"]]
    found = [A(K.EVERYONE), A(K.MANAGERS)]
    found += [A.of(K.DEPARTMENT, department=d) for d in departments]
    found += [A.of(K.JOB_GROUP, job_group=g) for g in groups]
    found += [A.of(K.DEPARTMENT_JOB_GROUP, department=d, job_group=g) for d in departments for g in groups]
    found += [A.of(K.TEAM, manager=e) for e in Employee.objects.all()]
    return found


def test_everyone_is_every_active_employee(tree):
    active = pks(tree, "boss", "lead", "l2_sales", "l4_eng", "l5_eng", "sibling_eng", "nowhere")
    assert names(employees_in(A(K.EVERYONE))) == active


def test_a_department_reaches_its_whole_subtree_five_levels_down(tree):
    top, _l2, l3, _l4, l5 = tree["levels"]
    assert names(employees_in(A.of(K.DEPARTMENT, department=top))) == pks(
        tree, "boss", "lead", "l2_sales", "l4_eng", "l5_eng", "sibling_eng"
    )
    assert names(employees_in(A.of(K.DEPARTMENT, department=l3))) == pks(tree, "lead", "l4_eng", "l5_eng")
    assert names(employees_in(A.of(K.DEPARTMENT, department=l5))) == pks(tree, "l5_eng")


def test_a_job_group_is_reached_in_every_department(tree):
    assert names(employees_in(A.of(K.JOB_GROUP, job_group=tree["engineers"]))) == pks(
        tree, "lead", "l4_eng", "l5_eng", "sibling_eng"
    )


def test_a_department_and_a_job_group_together(tree):
    audience = A.of(K.DEPARTMENT_JOB_GROUP, department=tree["levels"][1], job_group=tree["engineers"])
    assert names(employees_in(audience)) == pks(tree, "lead", "l4_eng", "l5_eng")
    audience = A.of(K.DEPARTMENT_JOB_GROUP, department=tree["levels"][1], job_group=tree["sales"])
    assert names(employees_in(audience)) == pks(tree, "l2_sales")


def test_managers_only_are_those_with_an_active_report(tree):
    assert names(employees_in(A(K.MANAGERS))) == pks(tree, "boss", "lead")
    for report in ("l4_eng", "l5_eng"):
        employee_deactivate(employee=tree[report])
    # The lead's only reports left are inactive: no longer a manager.
    assert names(employees_in(A(K.MANAGERS))) == pks(tree, "boss")


def test_a_team_is_the_direct_and_indirect_reports(tree):
    assert names(employees_in(A.of(K.TEAM, manager=tree["boss"]))) == pks(tree, "lead", "l2_sales", "l4_eng", "l5_eng")
    assert names(employees_in(A.of(K.TEAM, manager=tree["lead"]))) == pks(tree, "l4_eng", "l5_eng")
    assert names(employees_in(A.of(K.TEAM, manager=tree["l5_eng"]))) == set()


def test_inactive_people_are_left_out_unless_asked_for(tree):
    audience = A.of(K.DEPARTMENT, department=tree["levels"][4])
    assert names(employees_in(audience)) == pks(tree, "l5_eng")
    assert names(employees_in(audience, include_inactive=True)) == pks(tree, "l5_eng", "l5_gone")
    assert not audience_contains(audience, tree["l5_gone"])
    assert audience_contains(audience, tree["l5_gone"], include_inactive=True)
    assert pks(tree, "l5_gone") <= names(employees_in(A.of(K.TEAM, manager=tree["boss"]), include_inactive=True))


def test_people_who_move_are_counted_where_they_are_now(tree):
    _top, _l2, l3, l4, l5 = tree["levels"]
    audience = A.of(K.DEPARTMENT, department=l3)
    employee_update(employee=tree["sibling_eng"], department=l5)  # a person moves into the subtree
    assert tree["sibling_eng"].pk in names(employees_in(audience))
    department_update(department=l4, parent=tree["sibling"])  # a department (with L5) moves out of it
    assert names(employees_in(audience)) == pks(tree, "lead")
    assert names(employees_in(A.of(K.DEPARTMENT, department=tree["sibling"]))) == pks(
        tree, "l4_eng", "l5_eng", "sibling_eng"
    )
    employee_update(employee=tree["l4_eng"], manager=tree["boss"])  # and another reports elsewhere
    assert names(employees_in(A.of(K.TEAM, manager=tree["lead"]))) == pks(tree, "l5_eng", "sibling_eng") - pks(
        tree, "sibling_eng"
    )


def test_an_empty_department_reaches_nobody(tree):
    audience = A.of(K.DEPARTMENT, department=tree["empty"])
    assert names(employees_in(audience)) == set()
    assert audience_size(audience) == 0
    assert not any(audience_contains(audience, e) for e in Employee.objects.all())


def test_an_audience_not_chosen_reaches_nobody(tree):
    assert audience_size(A("")) == 0
    assert not audience_contains(A(""), tree["boss"])


def test_every_way_to_ask_agrees_with_employees_in(tree):
    from policy.models import LearningMoment  # any AudienceModel will do for the reverse question

    audiences = every_audience(tree)
    employees = list(Employee.objects.all())
    matcher = AudienceMatcher(audiences, employees)
    moments = []
    for n, audience in enumerate(audiences):
        moment = LearningMoment(title=f"m{n}", rrule="FREQ=WEEKLY", starts_on="2026-01-05", start_time="09:00")
        moment.audience = audience
        moments.append(moment)
    LearningMoment.objects.bulk_create(moments)
    from people.audience import audiences_containing

    containing = {
        e.pk: set(audiences_containing(LearningMoment.objects.all(), e).values_list("title", flat=True))
        for e in employees
    }
    for n, audience in enumerate(audiences):
        members = names(employees_in(audience))
        for employee in employees:
            expected = employee.pk in members
            assert audience_contains(audience, employee) is expected, (audience, employee)
            assert matcher.contains(audience, employee) is expected, (audience, employee)
            assert (f"m{n}" in containing[employee.pk]) is expected, (audience, employee)


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def test_the_query_count_does_not_grow_with_depth_or_size():
    def build(depth, people):
        parent = None
        for n in range(depth):
            parent = department_create(name=f"D{depth}-{n}", parent=parent)
        group = JobGroupFactory()
        boss = EmployeeFactory(department=parent, job_group=group)
        for _ in range(people):
            EmployeeFactory(department=parent, job_group=group, manager=boss)
        top = parent.__class__.objects.get(name=f"D{depth}-0")
        return [
            A.of(K.DEPARTMENT, department=top),
            A.of(K.DEPARTMENT_JOB_GROUP, department=top, job_group=group),
            A(K.MANAGERS),
            A.of(K.TEAM, manager=boss),
        ], boss

    small, small_boss = build(2, 3)
    large, large_boss = build(7, 40)
    for audiences, boss in ((small, small_boss), (large, large_boss)):
        for x in audiences:
            assert _queries(lambda x=x: list(employees_in(x))) == 1
            assert _queries(lambda x=x: audience_size(x)) == 1
            assert _queries(lambda x=x, boss=boss: audience_contains(x, boss)) <= 1
    assert len(list(employees_in(large[0]))) == 41
    assert len(list(employees_in(small[0]))) == 4


def test_employees_in_is_a_subquery_inside_another_aggregate(tree):
    from django.db.models import Count, Q

    audience = A.of(K.DEPARTMENT, department=tree["levels"][2])
    with CaptureQueriesContext(connection) as captured:
        counts = Employee.objects.aggregate(
            inside=Count("pk", filter=Q(pk__in=employees_in(audience))), all=Count("pk")
        )
    assert len(captured) == 1
    assert counts == {"inside": 3, "all": 8}


def test_narrower_and_overlap(tree):
    top, _l2, l3 = tree["levels"][:3]
    whole, middle = A.of(K.DEPARTMENT, department=top), A.of(K.DEPARTMENT, department=l3)
    engineers = A.of(K.JOB_GROUP, job_group=tree["engineers"])
    assert narrower(middle, whole)
    assert not narrower(whole, middle)
    assert not narrower(whole, whole)  # the same people: not a smaller start
    assert narrower(A.of(K.DEPARTMENT_JOB_GROUP, department=l3, job_group=tree["engineers"]), engineers)
    assert overlaps(engineers, middle)
    assert not overlaps(A.of(K.DEPARTMENT, department=tree["sibling"]), middle)
    assert audience_overlap(engineers, middle) == audience_overlap(engineers, middle).__class__(
        only_first=1, both=3, only_second=0
    )
    assert _queries(lambda: narrower(middle, whole)) == 1


def test_labels_in_the_readers_language(tree):
    audience = A.of(K.DEPARTMENT_JOB_GROUP, department=tree["levels"][0], job_group=tree["engineers"])
    with translation.override("en"):
        assert audience_label(audience) == "L1 and its sub-departments · Engineers"
        assert audience_label(A.of(K.TEAM, manager=tree["boss"])) == f"The team of {tree['boss'].full_name}"
        assert audience_label(A(K.EVERYONE)) == "Everyone"
    with translation.override("nl"):
        assert audience_label(audience) == "L1 en onderliggende afdelingen · Engineers"
        assert audience_label(A(K.MANAGERS)) == "Alleen leidinggevenden"


def test_problems_name_the_part_that_is_missing(tree):
    assert audience_problems(K.DEPARTMENT).keys() == {"department"}
    assert audience_problems(K.DEPARTMENT_JOB_GROUP, department=tree["empty"]).keys() == {"job_group"}
    assert audience_problems(K.TEAM).keys() == {"manager"}
    assert audience_problems(K.TEAM, manager=tree["l5_gone"]).keys() == {"manager"}
    assert audience_problems(K.TEAM, manager=tree["lead"]) == {}
    assert audience_problems("nobody").keys() == {"kind"}
    assert audience_problems(K.MANAGERS, kinds=[K.EVERYONE]).keys() == {"kind"}
    assert audience_problems("") == {"kind": "Choose who this applies to."}
    assert audience_problems("", optional=True) == {}


def test_the_model_refuses_a_department_audience_without_a_department_and_saves_nothing(tree):
    from policy.models import LearningMoment

    moment = LearningMoment(title="x", rrule="FREQ=WEEKLY", starts_on="2026-01-05", start_time="09:00")
    moment.audience_kind = K.DEPARTMENT
    with pytest.raises(ValidationError) as raised:
        moment.full_clean()
    assert raised.value.message_dict.keys() == {"audience_department"}
    assert not LearningMoment.objects.exists()


def test_the_database_refuses_parts_the_kind_does_not_have(tree, require_postgres):
    from django.db import IntegrityError, transaction

    from policy.models import LearningMoment

    moment = LearningMoment(title="x", rrule="FREQ=WEEKLY", starts_on="2026-01-05", start_time="09:00")
    moment.audience_kind = K.EVERYONE
    moment.audience_job_group = tree["sales"]
    with pytest.raises(IntegrityError, match="audience"), transaction.atomic():
        moment.save()


def test_the_system_check_finds_an_audience_model_without_its_constraint():
    from django.apps import apps
    from django.db import models
    from django.test.utils import isolate_apps

    from people.audience import AudienceModel, check_audience_models

    with isolate_apps("tests"):

        class Forgetful(AudienceModel):
            class Meta:
                app_label = "tests"
                constraints = []

        errors = check_audience_models(Forgetful._meta.apps.get_app_configs())
    assert not check_audience_models(apps.get_app_configs())
    assert isinstance(Forgetful._meta.get_field("audience_kind"), models.CharField)
    assert [e.id for e in errors] == ["people.E001"]


def test_one_choices_class_for_audience_kinds_remains():
    from django.db import models

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    kinds = [cls for cls in subclasses(models.TextChoices) if {"everyone", "department"} & set(cls.values)]
    assert kinds == [AudienceKind]
