"""The departments tables (issue 21): the dashboard shows the organisation's tree down to the deepest
level that fits in people.selectors.TREE_ROWS rows (always its top two), with a note that the deeper
ones are on their parents' pages; a department's page shows its sub-departments. Each table reads
only its departments' kept figures, which equal the live ones, and its download holds the page's rows."""

import csv
import io

import pytest

from monitoring.periods import Period
from monitoring.reports import departments_shown
from monitoring.selectors import kept_figures
from monitoring.services import figures_keep_due
from people.audience import EVERYONE
from people.selectors import TREE_ROWS as DEPARTMENT_ROWS
from tests.catalog.factories import EnrolmentFactory
from tests.exports import body
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db
NOTE = "Deeper departments are on their parents"


def _tree(parent, fan_out: int, levels: int, prefix: str) -> list:
    """`levels` levels of `fan_out` departments under `parent`, one person (with a training) in each."""
    made = []
    for n in range(fan_out):
        department = DepartmentFactory(name=f"{prefix}.{n}", parent=parent)
        EnrolmentFactory(employee=EmployeeFactory(department=department), status="completed")
        made.append(department)
        if levels > 1:
            made += _tree(department, fan_out, levels - 1, f"{prefix}.{n}")
    return made


@pytest.fixture
def grown(personas):
    """Under the root, 3 + 9 + 27 departments: 40 with the root and its own, over the table's 25."""
    root = personas.hr.department
    made = _tree(root, 3, 3, "Unit")
    return root, made


def _names(rows) -> list[str]:
    return [name.strip() for name, *_figures in rows]


def _download(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))[1:]


def test_a_small_organisation_shows_its_whole_tree(personas):
    shown = departments_shown()
    assert len(shown.departments) <= DEPARTMENT_ROWS
    assert not shown.more_below
    assert {depth for _pk, _name, depth in shown.departments} == {0, 1}


def test_a_large_tree_shows_the_levels_that_fit_and_the_rest_under_their_parents(grown):
    root, made = grown
    shown = departments_shown()
    depth_of = {pk: depth for pk, _name, depth in shown.departments}
    assert shown.more_below
    assert max(depth_of.values()) == 2  # three levels make 13 rows or so; the fourth would make 40
    assert all(depth_of[d.pk] <= 2 for d in made if d.pk in depth_of)
    assert not any(d.name.count(".") == 3 for d in made if d.pk in depth_of)  # the deepest level waits
    assert len(shown.departments) <= DEPARTMENT_ROWS
    # in tree order: each department right before its sub-departments, siblings by name
    assert shown.departments[0] == (root.pk, root.name, 0)
    first = next(d for d in made if d.name == "Unit.0")
    under = departments_shown(under=first.pk)
    assert [name for _pk, name, _depth in under.departments] == ["Unit.0.0", "Unit.0.1", "Unit.0.2"]
    assert {depth for *_rest, depth in under.departments} == {0}


def test_the_top_two_levels_show_however_many_there_are(personas):
    for n in range(DEPARTMENT_ROWS + 5):
        DepartmentFactory(name=f"Wide {n:02d}", parent=personas.hr.department)
    shown = departments_shown()
    assert len(shown.departments) > DEPARTMENT_ROWS
    assert {depth for *_rest, depth in shown.departments} == {0, 1}


def test_the_dashboard_reads_and_shows_only_the_departments_its_table_holds(grown, client_for, personas):
    _root, made = grown
    figures_keep_due()
    shown = departments_shown()
    kept = kept_figures(EVERYONE, Period.this_year(), parts=("department",), departments=shown.ids)
    assert set(kept.rows("department")) <= set(shown.ids)
    assert set(kept.rows("department")) >= {d.pk for d in made if d.pk in shown.ids}
    whole = kept_figures(EVERYONE, Period.this_year())
    assert len(whole.rows("department")) > len(kept.rows("department"))
    for pk, row in kept.rows("department").items():
        assert row == whole.rows("department")[pk]

    hr = client_for(personas.hr)
    page = hr.get("/monitoring/").content.decode()
    assert NOTE in page
    assert ">Unit.0.0</a>" in page
    assert ">Unit.0.0.0</a>" not in page
    kept_rows = _download(hr, "/monitoring/?export=csv&table=departments")
    live_rows = _download(hr, "/monitoring/?fresh=1&export=csv&table=departments")
    assert _names(kept_rows) == [name for _pk, name, _depth in shown.departments]
    assert [row[:-1] for row in kept_rows] == [row[:-1] for row in live_rows]

    first = next(d for d in made if d.name == "Unit.0.0")
    department = hr.get(f"/monitoring/departments/{first.pk}/").content.decode()
    assert ">Unit.0.0.2</a>" in department
    assert NOTE not in department
    children = _download(hr, f"/monitoring/departments/{first.pk}/?export=csv&table=departments")
    fresh = _download(hr, f"/monitoring/departments/{first.pk}/?fresh=1&export=csv&table=departments")
    assert _names(children) == ["Unit.0.0.0", "Unit.0.0.1", "Unit.0.0.2"]
    assert [row[:-1] for row in children] == [row[:-1] for row in fresh]


def test_a_small_organisation_has_no_note(personas, client_for):
    assert NOTE not in client_for(personas.hr).get("/monitoring/").content.decode()


def test_the_ld_home_shows_the_levels_of_the_tree_that_fit(grown, client_for, personas):
    home = client_for(personas.hr).get("/").content.decode()
    assert "the people directory filters by any department" in home
    assert ">Unit.0.0</a>" in home
    assert ">Unit.0.0.0</a>" not in home


def test_a_small_organisations_home_shows_its_whole_tree(personas, client_for):
    home = client_for(personas.hr).get("/").content.decode()
    assert "the people directory filters by any department" not in home
    assert f">{personas.employee.department.name}</a>" in home
