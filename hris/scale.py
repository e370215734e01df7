"""The demo grown to N active employees through the HRIS sync itself (`seed_demo --employees N`):
about 200 more departments four deep under the demo's root (4 divisions, 5 areas each, 9 teams
each), a head per department, team leads of 15 people, everyone under the demo's top manager, who
gets the `director` login. The sync allocates their budgets (budgets hears employees_changed).

Deterministic and idempotent: the same keys every time, so running it again changes nothing."""

from datetime import date, timedelta

from people.demo import FIRST_NAMES, LAST_NAMES, _ascii, _demo_user
from people.models import Department, Employee

from .sync import hris_sync

DIVISIONS, AREAS, TEAMS = 4, 5, 9  # 4 + 20 + 180 = 204 departments under the root: four levels
LEAD_SPAN = 15
GROUPS = ["JG-WH", "JG-DR", "JG-PL", "JG-AM", "JG-CS", "JG-FI", "JG-IT", "JG-HR"]
LEVELS = ["basic", "secondary", "secondary", "bachelor", "master"]
FTES = [1.0, 1.0, 1.0, 0.8, 0.6, 0.5]


def _departments(root: str) -> tuple[list[dict], list[tuple[str, str]], list[str]]:
    """The department rows, (department, its parent) pairs in creation order, and the teams."""
    rows, pairs, teams = [], [], []
    for d in range(1, DIVISIONS + 1):
        division = f"SD{d}"
        rows.append({"external_id": division, "name": f"Division {d}", "parent": root})
        pairs.append((division, root))
        for a in range(1, AREAS + 1):
            area = f"{division}-{a}"
            rows.append({"external_id": area, "name": f"Region {d}.{a}", "parent": division})
            pairs.append((area, division))
            for t in range(1, TEAMS + 1):
                team = f"{area}-{t}"
                rows.append({"external_id": team, "name": f"Team {d}.{a}.{t}", "parent": area})
                pairs.append((team, area))
                teams.append(team)
    return rows, pairs, teams


def _person(i: int, department: str, manager: str | None, group: str) -> dict:
    first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
    row = {
        "external_id": f"S{i:06d}",
        "first_name": first,
        "last_name": last,
        "email": f"{_ascii(first)}.{_ascii(last)}.{i}@noordkade.example",
        "department": department,
        "job_group": group,
        "education_level": LEVELS[i % len(LEVELS)],
        "fte": FTES[i % len(FTES)],
        "hired_on": (date(2026, 1, 1) - timedelta(days=(i * 37) % 6500)).isoformat(),
        "locale": "en" if i % 4 == 0 else "nl",
        "active": True,
    }
    if manager:
        row["manager"] = manager
    return row


def scale_payload(new: int, *, root: str, top: str) -> dict:
    """A partial sync payload of `new` employees under the department `root` and the person `top`."""
    departments, pairs, teams = _departments(root)
    head_of = {root: top}
    employees: list[dict] = []
    for department, parent in pairs:
        if len(employees) >= new:
            break
        row = _person(len(employees), department, head_of[parent], "JG-MT")
        head_of[department] = row["external_id"]
        employees.append(row)
    rest = max(0, new - len(employees))
    for t, team in enumerate(teams):
        members = rest // len(teams) + (1 if t < rest % len(teams) else 0)
        lead = None
        for m in range(members):
            if m % (LEAD_SPAN + 1) == 0:
                row = _person(len(employees), team, head_of.get(team, top), "JG-TL")
                lead = row["external_id"]
            else:
                row = _person(len(employees), team, lead, GROUPS[(t + m) % len(GROUPS)])
            employees.append(row)
    return {"mode": "partial", "departments": departments, "employees": employees}


def grow_organisation(employees: int) -> None:
    """Add active employees until there are `employees` (the sync's own path: validated, COPY)."""
    root = Department.objects.filter(parent=None).order_by("pk").first()
    top = Employee.objects.filter(manager=None, active=True).order_by("pk").first()
    if root is None or top is None:
        return
    have = Employee.objects.filter(active=True).exclude(external_id__startswith="S").count()
    new = employees - have
    if new > 0:
        hris_sync(payload=scale_payload(new, root=root.external_id, top=top.external_id))
    _demo_user("director", top)
