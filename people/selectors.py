"""Reads that the people pages and the API share."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Department, DepartmentClosure, Employee, JobGroup
from .reporting import team_members


class DepartmentTree:
    """The department tree from one query over (id, parent): subtrees and ancestor chains, memoised.
    A loop in bad data ends a walk instead of hanging it."""

    def __init__(self, parents: dict[int, int | None]):
        self.parents = parents
        self.children: dict[int | None, list[int]] = {}
        for pk, parent_id in parents.items():
            self.children.setdefault(parent_id, []).append(pk)
        self._subtrees: dict[int, set[int]] = {}

    @classmethod
    def load(cls) -> "DepartmentTree":
        return cls(dict(Department.objects.values_list("pk", "parent_id").order_by()))

    def subtree(self, department_id: int) -> set[int]:
        """The department and everything below it."""
        if department_id not in self._subtrees:
            found, stack = set(), [department_id]
            while stack:
                current = stack.pop()
                if current not in found:
                    found.add(current)
                    stack.extend(self.children.get(current, []))
            self._subtrees[department_id] = found
        return self._subtrees[department_id]

    def display_order(self, sort_key) -> list[tuple[int, int]]:
        """(department, depth) with each department before its sub-departments and siblings in
        `sort_key(pk)` order; a department whose parent is unknown is a root. A loop in bad data
        is walked once, not forever."""
        ordered: list[tuple[int, int]] = []
        seen: set[int] = set()

        def walk(pk, depth):
            if pk in seen:
                return
            seen.add(pk)
            ordered.append((pk, depth))
            for child in sorted(self.children.get(pk, []), key=sort_key):
                walk(child, depth + 1)

        for root in sorted((pk for pk, parent in self.parents.items() if parent not in self.parents), key=sort_key):
            walk(root, 0)
        return ordered

    def ancestors(self, department_id: int | None) -> list[int]:
        """The department and the ones above it, nearest first."""
        chain, seen = [], set()
        while department_id is not None and department_id not in seen:
            seen.add(department_id)
            chain.append(department_id)
            department_id = self.parents.get(department_id)
        return chain

    def closure(self, under=None) -> set[tuple[int, int, int]]:
        """The rows the closure table must hold, as (ancestor, descendant, depth): for every
        department in the subtrees of `under` (default: all) itself and each department above it."""
        if under is None:
            descendants = set(self.parents)
        else:
            descendants = set().union(*(self.subtree(pk) for pk in under if pk in self.parents))
        return {
            (ancestor, descendant, depth)
            for descendant in descendants
            for depth, ancestor in enumerate(self.ancestors(descendant))
        }


def department_subtree_ids(department_id: int) -> set[int]:
    """A department and everything below it, from one query on the closure table."""
    return set(DepartmentClosure.objects.filter(ancestor_id=department_id).values_list("descendant_id", flat=True))


def department_subtree_totals(queryset, *, employee: str = "employee", **aggregates) -> dict[int, dict]:
    """Aggregates over `queryset` per department, each over its whole subtree, in one query
    however deep the tree (a join on the closure table), e.g. for a breakdown:

        department_subtree_totals(Enrolment.objects.filter(status="completed"), completed=Count("pk"))
        -> {department_id: {"completed": n}, ...}

    `employee` is the path from the queryset's rows to their employee ("" for employees
    themselves). Departments with no row below them are left out; rows without a department count
    nowhere. Each row counts once per department above it, so aggregate over the rows themselves
    (Count("pk"), Sum of a column), not over another multi-valued join."""
    path = f"{employee}__department__ancestor_links__ancestor" if employee else "department__ancestor_links__ancestor"
    rows = queryset.order_by().values(subtree_of=F(path)).annotate(**aggregates)
    return {row.pop("subtree_of"): row for row in rows if row["subtree_of"] is not None}


def department_closure_problems() -> dict[str, list[tuple[int, int, int]]]:
    """How the closure table differs from the department tree: rows `missing` and rows `extra`
    (as ancestor, descendant, depth). Empty lists when it is right. Two queries."""
    wanted = DepartmentTree.load().closure()
    stored = set(DepartmentClosure.objects.values_list("ancestor_id", "descendant_id", "depth"))
    return {"missing": sorted(wanted - stored), "extra": sorted(stored - wanted)}


@dataclass
class DepartmentNode:
    department: Department
    depth: int
    headcount: int
    total: int = 0
    children: list = field(default_factory=list)


def active_headcount(field: str):
    """On Department or JobGroup rows: their active people, counted per row from a partial index
    on active people (employee_active_department, employee_group_level) instead of joining and
    grouping the whole employee table (at 50,000 people: 5 ms against 26-31 ms)."""
    people = (
        Employee.objects.filter(active=True, **{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(people, output_field=IntegerField()), Value(0))


def department_tree_with_headcounts() -> list[DepartmentNode]:
    """The department tree in display order, each with its own and its subtree's active headcount."""
    departments = Department.objects.annotate(headcount=active_headcount("department"))
    nodes = {d.pk: DepartmentNode(department=d, depth=0, headcount=d.headcount) for d in departments}
    tree = DepartmentTree({pk: node.department.parent_id for pk, node in nodes.items()})
    ordered = []
    for pk, depth in tree.display_order(lambda pk: nodes[pk].department.name):
        node = nodes[pk]
        node.depth = depth
        node.children = [nodes[c] for c in sorted(tree.children.get(pk, []), key=lambda c: nodes[c].department.name)]
        ordered.append(node)
    for node in reversed(ordered):  # sub-departments come after their parent: add up from the bottom
        node.total = node.headcount + sum(child.total for child in node.children)
    return ordered


# A table of the department tree shows at most this many rows: the tree down to the deepest level
# that fits, and always its top two. At 50,000 people the tree has 214 departments four deep, which
# no table on a page reads well (their own pages and the directory's filter reach the deeper ones).
TREE_ROWS = 25


def levels_that_fit(depths, rows: int = TREE_ROWS) -> int:
    """The deepest level a tree table shows, given each department's depth: the deepest whose rows,
    with those of every level above it, are at most `rows`; never fewer than the top two."""
    per_depth = Counter(depths)
    deepest, shown = 1, 0
    for depth in sorted(per_depth):
        shown += per_depth[depth]
        if depth > 1 and shown > rows:
            break
        deepest = max(deepest, depth)
    return deepest


def rows_that_fit(rows: list, depth_of) -> tuple[list, bool]:
    """The rows of a tree's table (in tree order, `depth_of(row)` each one's level) down to the
    levels that fit (`levels_that_fit`), and whether deeper ones are left out."""
    deepest = levels_that_fit(depth_of(row) for row in rows)
    shown = [row for row in rows if depth_of(row) <= deepest]
    return shown, len(shown) < len(rows)


def department_tree_shown() -> tuple[list[DepartmentNode], bool]:
    """department_tree_with_headcounts down to the levels that fit, and whether deeper departments
    are left out."""
    return rows_that_fit(department_tree_with_headcounts(), lambda node: node.depth)


def job_groups_with_headcounts():
    return JobGroup.objects.annotate(headcount=active_headcount("job_group")).order_by("name")


def employee_directory(
    *,
    q: str = "",
    department: int | None = None,
    job_group: int | None = None,
    education_level: str = "",
    active: bool | None = True,
    manager: int | None = None,
):
    qs = Employee.objects.select_related("department", "job_group", "manager")
    if q:
        for word in q.split():
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(external_id__iexact=word)
            )
    if department:
        qs = qs.filter(department_id__in=department_subtree_ids(department))
    if job_group:
        qs = qs.filter(job_group_id=job_group)
    if education_level:
        qs = qs.filter(education_level=education_level)
    if active is not None:
        qs = qs.filter(active=active)
    if manager:
        qs = qs.filter(manager_id=manager)
    return qs.order_by("last_name", "first_name", "pk")


def team_of(manager: Employee):
    """A manager's direct reports first, then the indirect ones, with what the team page shows."""
    return (
        team_members(manager.pk)
        .select_related("department", "job_group", "manager")
        .order_by("last_name", "first_name")
    )
