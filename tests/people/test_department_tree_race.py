"""Two people move two departments under each other at the same moment: the tree lock in the
people services lets one through and refuses the other, so the tree never loops and its closure
rows stay right. Without the lock (the negative control) both moves pass and the tree loops."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from people import services
from people.models import Department
from people.selectors import department_closure_problems

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(require_postgres, monkeypatch):
    """Two sibling departments, and a wider window: each move waits, after it has checked and
    written its row, for the other to get that far too (or gives up after a second)."""
    top = services.department_create(name="Top")
    a = services.department_create(name="A", parent=top)
    b = services.department_create(name="B", parent=top)
    barrier = threading.Barrier(2)
    save = services._save

    def slow_save(instance, *args):
        saved = save(instance, *args)
        if isinstance(instance, Department):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=1)
        return saved

    monkeypatch.setattr(services, "_save", slow_save)
    return a, b


def _race(a, b):
    outcomes = {}

    def move(name, department, parent):
        try:
            services.department_update(department=Department.objects.get(pk=department.pk), parent=parent)
            outcomes[name] = "moved"
        except ValidationError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=("a under b", a, b)),
        threading.Thread(target=move, args=("b under a", b, a)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    parents = dict(Department.objects.values_list("name", "parent__name"))
    return sorted(outcomes.values()), parents


def test_concurrent_moves_never_make_the_tree_loop(pair):
    outcomes, parents = _race(*pair)
    assert outcomes == ["moved", "refused"]
    assert (parents["A"], parents["B"]) in {("B", "Top"), ("Top", "A")}
    assert department_closure_problems() == {"missing": [], "extra": []}


def test_negative_control_without_the_tree_lock_both_moves_pass_and_the_tree_loops(pair, monkeypatch):
    monkeypatch.setattr(services, "_lock_tree", lambda: None)
    outcomes, parents = _race(*pair)
    assert outcomes == ["moved", "moved"]
    assert (parents["A"], parents["B"]) == ("B", "A")  # each below the other
