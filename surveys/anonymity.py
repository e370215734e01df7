"""Which groups' figures may be shown: the minimum group size and the differencing rule.

A response falls in one *cell*: its combination of the survey's breakdown attributes (department at
the chosen level, job group, employee or manager). A *group* is what a page, an export or the API
can show figures for: everyone, a department with its sub-departments, a job group, a side, or any
combination of those filters. Every figure we show (counts per answer, means, NPS) is a sum over a
group's respondents, so anyone holding the figures of several groups can add and subtract them.

The rule: the groups released for a survey split its respondents into *atoms* (respondents who
belong to exactly the same released groups). Any sum or difference of released groups' figures is
constant on each atom, so it describes whole atoms only. We release a group only when, after adding
it, every atom still holds no one or at least the minimum: then nothing derivable describes fewer
than the minimum. Groups are considered in one fixed order for the whole survey (not per request),
so every page, export and API call draws from the same released family, whatever the filters.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """A filter combination; None (or "") means "any"."""

    department_id: int | None = None
    job_group_id: int | None = None
    side: str = ""

    @property
    def dimensions(self) -> int:
        return (self.department_id is not None) + (self.job_group_id is not None) + bool(self.side)

    @property
    def sort_key(self) -> tuple:
        return (self.department_id or 0, self.job_group_id or 0, self.side)

    def __lt__(self, other: "Group") -> bool:
        return self.sort_key < other.sort_key

    @property
    def key(self) -> str:
        return f"d{self.department_id or ''}.j{self.job_group_id or ''}.s{self.side}"

    @classmethod
    def from_key(cls, key: str) -> "Group":
        try:
            d, j, s = key.split(".")
            return cls(int(d[1:]) if d[1:] else None, int(j[1:]) if j[1:] else None, s[1:])
        except (ValueError, IndexError):
            return EVERYONE


EVERYONE = Group()

Cell = tuple[int | None, int | None, str]  # (department_id, job_group_id, side)


@dataclass
class Cells:
    """Respondents per cell, and for each cell's department its ancestors (itself included)."""

    counts: dict[Cell, int]
    ancestors: dict[int, frozenset[int]]

    def contains(self, group: Group, cell: Cell) -> bool:
        department, job_group, side = cell
        if group.department_id is not None and group.department_id not in self.ancestors.get(department, ()):
            return False
        if group.job_group_id is not None and group.job_group_id != job_group:
            return False
        return not group.side or group.side == side

    def members(self, group: Group) -> list[Cell]:
        return [cell for cell in self.counts if self.contains(group, cell)]

    def size(self, group: Group) -> int:
        return sum(self.counts[c] for c in self.members(group))


def candidate_groups(cells: Cells) -> list[Group]:
    """Every group a reader could ask for that holds anyone, in the fixed order of release:
    fewer filters first, then larger groups first, then by key."""
    departments = sorted({a for c in cells.counts if c[0] is not None for a in cells.ancestors.get(c[0], ())})
    job_groups = sorted({c[1] for c in cells.counts if c[1] is not None})
    sides = sorted({c[2] for c in cells.counts if c[2]})
    found = set()
    for department in [None, *departments]:
        for job_group in [None, *job_groups]:
            for side in ["", *sides]:
                found.add(Group(department, job_group, side))
    sized = [(g, cells.size(g)) for g in found]
    return [g for g, n in sorted(sized, key=lambda gn: (gn[0].dimensions, -gn[1], gn[0].sort_key)) if n]


def release(cells: Cells, minimum: int, groups: Iterable[Group] | None = None) -> set[Group]:
    """The groups whose figures may be shown (see the module's docstring)."""
    signature: dict[Cell, int] = dict.fromkeys(cells.counts, 0)  # cell -> atom id
    atom_size: dict[int, int] = {0: sum(cells.counts.values())}
    released: set[Group] = set()
    next_atom = 1
    for group in candidate_groups(cells) if groups is None else groups:
        members = cells.members(group)
        inside: dict[int, int] = {}
        for cell in members:
            inside[signature[cell]] = inside.get(signature[cell], 0) + cells.counts[cell]
        if not inside or not _safe_split(inside, atom_size, minimum):
            continue
        released.add(group)
        split = {}
        for atom, n in inside.items():
            if n < atom_size[atom]:  # the atom splits in two
                split[atom] = next_atom
                atom_size[next_atom] = n
                atom_size[atom] -= n
                next_atom += 1
        for cell in members:
            signature[cell] = split.get(signature[cell], signature[cell])
    return released


def _safe_split(inside: dict[int, int], atom_size: dict[int, int], minimum: int) -> bool:
    for atom, n in inside.items():
        rest = atom_size[atom] - n
        if n < minimum or 0 < rest < minimum:
            return False
    return True


def derivable_minimum(cells: Cells, groups: Iterable[Group]) -> int:
    """The smallest non-empty set of respondents anyone can isolate from these groups' figures:
    the smallest atom of the partition they induce (what the tests hold to the minimum)."""
    groups = list(groups)
    atoms: dict[tuple, int] = {}
    for cell, n in cells.counts.items():
        signature = tuple(cells.contains(g, cell) for g in groups)
        atoms[signature] = atoms.get(signature, 0) + n
    # Those in no group at all are not described by any figure.
    return min((n for signature, n in atoms.items() if n and any(signature)), default=0)
