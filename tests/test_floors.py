"""Floors: an app imports only from apps on floors below it (RULES.md, docs/architecture.md).
Where a lower app needs a higher one (or a sibling), it uses a signal or a typed port in
people.registry instead, so this test walks every import of every app module."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FLOORS = {
    "ops": 0,
    "people": 1,
    "hris": 2,
    "surveys": 2,
    "catalog": 2,
    "comms": 2,
    "budgets": 3,
    "policy": 3,
    "monitoring": 4,
    "goals": 5,
    "engagement": 5,
    "adoption": 6,
}
ROOT = Path(settings.BASE_DIR)
APPS = [app for app in FLOORS if (ROOT / app).is_dir()]


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(FLOORS)


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_from_lower_floors(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for other in _imported_apps(path) - {app}:
            if FLOORS[other] >= FLOORS[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {other} (floor {FLOORS[other]} >= {FLOORS[app]})")
    assert wrong == []


def test_every_app_of_ours_has_a_floor():
    ours = {name for name in settings.INSTALLED_APPS if "." not in name and (ROOT / name).is_dir()}
    assert ours <= set(FLOORS)
