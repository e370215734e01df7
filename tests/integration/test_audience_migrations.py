"""The move onto the shared audience keeps every row's meaning: on the demo organisation, every
audience the old schema could hold (the demo's own and one for every department, job group and
edge case) reaches the same employees before the data migrations (by the old rules, written down
here from the resolvers they replaced) and after them (by people.audience.employees_in)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from people.models import Department, Employee, JobGroup
from people.selectors import DepartmentTree

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

BEFORE = [
    ("catalog", "0002_session_cancelled_at"),
    ("comms", "0001_initial"),
    ("policy", "0001_initial"),
    ("budgets", "0002_budget_basis_hired_on"),
]


class OldRules:
    """Who each old row reached, by the rules of the code the audience replaced: catalog's
    mandatory_due, comms' audience_queryset, policy's scope_employees and budgets' PolicyResolver."""

    def __init__(self):
        self.tree = DepartmentTree.load()
        self.people = list(Employee.objects.values("pk", "department_id", "job_group_id", "active"))
        managers = Employee.objects.filter(active=True).exclude(manager=None).values_list("manager_id", flat=True)
        self.managers = set(managers)

    def where(self, department_id=None, job_group_id=None) -> set[int]:
        subtree = self.tree.subtree(department_id) if department_id else None
        return {
            p["pk"]
            for p in self.people
            if (subtree is None or p["department_id"] in subtree)
            and (job_group_id is None or p["job_group_id"] == job_group_id)
        }

    def scope(self, kind, department_id, job_group_id) -> set[int]:  # catalog and policy
        if kind == "department":
            return self.where(department_id=department_id)
        if kind == "job_group":
            return self.where(job_group_id=job_group_id)
        return self.where()

    def message(self, kind, department_id, job_group_id) -> set[int]:  # comms, active people only
        if kind == "department":
            found = self.where(department_id=department_id) if department_id else set()
        elif kind == "job_group":
            found = self.where(job_group_id=job_group_id) if job_group_id else set()
        elif kind == "managers":
            found = self.managers
        elif kind == "everyone":
            found = self.where()
        else:
            found = set()
        return found & self.active()

    def active(self) -> set[int]:
        return {p["pk"] for p in self.people if p["active"]}


def _old_rows(apps, departments, groups):
    """Old-schema rows: the demo's own audiences, and one of each kind for every department and job
    group (budgets: every department × job group pair too), plus comms' edge cases."""
    LearningItem = apps.get_model("catalog", "LearningItem")
    MandatoryRule = apps.get_model("catalog", "MandatoryRule")
    Message = apps.get_model("comms", "Message")
    LearningMoment = apps.get_model("policy", "LearningMoment")
    BudgetPolicy = apps.get_model("budgets", "BudgetPolicy")
    item = LearningItem.objects.create(title="Safety", format="elearning", duration_hours=1, level_basic=True)
    targets = [("everyone", None, None)]
    targets += [("department", d, None) for d in departments]
    targets += [("job_group", None, g) for g in groups]
    for kind, department, group in targets:
        rule = {"item": item, "scope": kind, "department_id": department, "job_group_id": group}
        MandatoryRule.objects.create(**rule, starts_on="2026-01-01", due_days=30)
        LearningMoment.objects.create(
            scope_kind=kind,
            department_id=department,
            job_group_id=group,
            title=f"{kind} {department} {group}",
            rrule="FREQ=WEEKLY",
            starts_on="2026-01-05",
            start_time="09:00",
        )
        Message.objects.create(audience=kind, department_id=department, job_group_id=group, subject="m")
    Message.objects.create(audience="managers", subject="managers")
    Message.objects.create(audience="", subject="not chosen")
    # What the old form let through: a department left on an everyone message, a job group on a
    # department message, and a department or job-group message whose target is gone (SET_NULL).
    Message.objects.create(audience="everyone", department_id=departments[0], subject="stale department")
    Message.objects.create(audience="department", department_id=departments[1], job_group_id=groups[0], subject="x")
    Message.objects.create(audience="department", department_id=None, subject="department gone")
    Message.objects.create(audience="job_group", job_group_id=None, subject="job group gone")
    pairs = [(None, None)] + [(d, None) for d in departments] + [(None, g) for g in groups]
    pairs += [(d, g) for d in departments for g in groups]
    for department, group in pairs:
        BudgetPolicy.objects.create(
            name=f"{department} {group}",
            department_id=department,
            job_group_id=group,
            amount=1,
            period_start="2026-01-01",
        )


def _old_meaning(apps, rules: OldRules) -> dict:
    meaning = {}
    for r in apps.get_model("catalog", "MandatoryRule").objects.all():
        meaning["catalog", r.pk] = rules.scope(r.scope, r.department_id, r.job_group_id)
    for m in apps.get_model("policy", "LearningMoment").objects.all():
        meaning["policy", m.pk] = rules.scope(m.scope_kind, m.department_id, m.job_group_id)
    for m in apps.get_model("comms", "Message").objects.all():
        meaning["comms", m.pk] = rules.message(m.audience, m.department_id, m.job_group_id)
    for p in apps.get_model("budgets", "BudgetPolicy").objects.all():
        meaning["budgets", p.pk] = rules.where(department_id=p.department_id, job_group_id=p.job_group_id)
    return meaning


def test_every_audience_reaches_the_same_people_before_and_after_the_migrations(require_postgres):
    from budgets.models import BudgetPolicy
    from catalog.models import MandatoryRule
    from comms.models import Message
    from people.audience import employees_in
    from people.demo import seed_people
    from policy.models import LearningMoment

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    try:
        seed_people()
        # Some people leave: the old rules counted them in rules and policies, not in messages.
        leavers = list(Employee.objects.order_by("pk").values_list("pk", flat=True))[10:300:37]
        Employee.objects.filter(pk__in=leavers).update(active=False)
        departments = list(Department.objects.order_by("pk").values_list("pk", flat=True))
        groups = list(JobGroup.objects.order_by("pk").values_list("pk", flat=True))
        _old_rows(old_apps, departments, groups)
        before = _old_meaning(old_apps, OldRules())
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    after = {}
    for app, model, active_only in (
        ("catalog", MandatoryRule, False),
        ("policy", LearningMoment, False),
        ("comms", Message, True),
        ("budgets", BudgetPolicy, False),
    ):
        for row in model.objects.all():
            after[app, row.pk] = set(
                employees_in(row.audience, include_inactive=not active_only).values_list("pk", flat=True)
            )
    assert after.keys() == before.keys()
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    d, g = len(departments), len(groups)
    assert len(before) == 3 * (1 + d + g) + 6 + (1 + d + g + d * g)  # every row above was compared
    sizes = sorted(len(v) for v in before.values())
    assert sizes[0] == 0  # some reach nobody (a message whose department is gone) ...
    assert sizes[-1] == Employee.objects.count()  # ... and some everyone
    assert Message.objects.get(subject="department gone").audience_kind == ""
    assert Message.objects.get(subject="stale department").audience_department_id is None
    assert BudgetPolicy.objects.filter(audience_kind="department_job_group").count() == len(departments) * len(groups)
