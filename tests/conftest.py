"""Personas and service guards shared by every test.

Personas: `hr` (L&D staff), `manager` (manages `employee` and, through a team lead, more),
`employee`, `other_employee` (a colleague elsewhere), `outsider_manager` (manages someone else).
Guards: `require_postgres`, `require_redis`, `require_browser`. Without the service a test is skipped
with a reason; with LEERBORG_REQUIRE_ALL=1 (CI) it fails instead.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation

from people.access import LD_STAFF_GROUP
from tests.factories import DepartmentFactory, EmployeeFactory, JobGroupFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_ALL = os.environ.get("LEERBORG_REQUIRE_ALL") == "1"


def _missing(reason: str):
    if REQUIRE_ALL:
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request in Dutch (Django's test client runs it in
    this thread) leaves Dutch active, and a later test in the same process would read Dutch messages
    where it expects English; which test comes later depends on how the files are shared out."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what a page keeps for a while (the budget overview's
    totals, the catalog's rankings) must not carry one test's organisation into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL (set DATABASE_URL or run `make test` with PostgreSQL on localhost)")


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        _missing("needs Redis (TEST_REDIS_URL; `make test` sets it when Redis answers)")
    return _own_database(url, os.environ.get("PYTEST_XDIST_WORKER", ""))


def _own_database(url: str, xdist_worker: str) -> str:
    """Under pytest-xdist each test process gets its own Redis database (gw0 the given one, gw1 the
    one below it, ...), as pytest-django gives it its own PostgreSQL database: a test's worker
    empties its broker when it starts."""
    if not xdist_worker:
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) - int(xdist_worker.removeprefix('gw'))}"


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        _missing("needs Debian's chromium (/usr/bin/chromium)")
    return path


@dataclass
class Personas:
    hr: object
    manager: object
    employee: object
    other_employee: object
    outsider_manager: object
    team_lead: object
    indirect_report: object

    def user(self, name):
        return None if name == "anonymous" else getattr(self, name).user


def make_person(username, **fields):
    user = UserFactory(username=username)
    return EmployeeFactory(user=user, **fields)


@pytest.fixture
def org(db):
    """A small organisation every persona lives in."""
    root = DepartmentFactory(name="Organisation")
    service = DepartmentFactory(name="Customer Service", parent=root)
    finance = DepartmentFactory(name="Finance", parent=root)
    agents = JobGroupFactory(name="Agents")
    leads = JobGroupFactory(name="Team leads")
    return {"root": root, "service": service, "finance": finance, "agents": agents, "leads": leads}


@pytest.fixture
def personas(org):
    hr = make_person("hr", department=org["root"], first_name="Hanna", last_name="Roos")
    hr.user.groups.add(Group.objects.get_or_create(name=LD_STAFF_GROUP)[0])
    manager = make_person(
        "manager", department=org["service"], job_group=org["leads"], first_name="Mehmet", last_name="Yılmaz"
    )
    employee = make_person(
        "employee",
        department=org["service"],
        job_group=org["agents"],
        manager=manager,
        first_name="Zoë",
        last_name="de Vries",
    )
    team_lead = make_person("team_lead", department=org["service"], job_group=org["leads"], manager=manager)
    indirect = make_person("indirect", department=org["service"], job_group=org["agents"], manager=team_lead)
    outsider_manager = make_person(
        "outsider_manager", department=org["finance"], job_group=org["leads"], first_name="Łukasz", last_name="Nowak"
    )
    other_employee = make_person(
        "other_employee", department=org["finance"], job_group=org["agents"], manager=outsider_manager
    )
    return Personas(
        hr=hr,
        manager=manager,
        employee=employee,
        other_employee=other_employee,
        outsider_manager=outsider_manager,
        team_lead=team_lead,
        indirect_report=indirect,
    )


@pytest.fixture
def hr(personas):
    return personas.hr


@pytest.fixture
def manager(personas):
    return personas.manager


@pytest.fixture
def employee(personas):
    return personas.employee


@pytest.fixture
def other_employee(personas):
    return personas.other_employee


@pytest.fixture
def outsider_manager(personas):
    return personas.outsider_manager


@pytest.fixture
def client_for(client):
    """client_for(employee_or_None) -> a Django test client logged in as that person (or anonymous)."""
    from django.test import Client

    def make(person):
        c = Client()
        if person is not None:
            c.force_login(person.user)
        return c

    return make


@pytest.fixture
def celery_worker_process(redis_url, transactional_db, tmp_path):
    """A real Celery worker process on Redis, using the test database. Yields a `send(name, *args)`
    that enqueues a task by name on that broker (bypassing the eager mode tests run in)."""
    from tests.workers import WorkerProcess

    worker = WorkerProcess(redis_url=redis_url, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def start_worker(redis_url, transactional_db, tmp_path):
    """start(extra_env, concurrency) -> a real Celery worker on Redis with these environment
    overrides (local stand-ins for e-mail, faster retries); all of them stopped after the test."""
    from tests.workers import WorkerProcess

    started = []

    def start(extra_env=None, concurrency=2):
        worker = WorkerProcess(
            redis_url=redis_url,
            log_path=tmp_path / f"worker{len(started)}.log",
            concurrency=concurrency,
            extra_env=extra_env or {},
        )
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session: Playwright's sync API allows one loop per thread,
    so every app's browser tests share it (and each opens its own context)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not AXE.exists():
        _missing("needs axe-core (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


AXE = ROOT / "node_modules/axe-core/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the whole page; return its violations."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern (a <script> tag with axe inline would be refused, as any inline script is).
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    return result["violations"]


def violation_summary(violations: list[dict]) -> list[tuple]:
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def session_cookie(user, base_url: str) -> dict:
    """A logged-in session for a browser context, made with the ORM before the browser runs."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }
