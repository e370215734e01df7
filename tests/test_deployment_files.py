"""docker-compose.yml describes the production stack the docs promise, with commands that exist."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi:application"]
    assert "worker" in services["worker"]["command"]
    beat = services["beat"]["command"]
    assert beat[beat.index("--scheduler") + 1] == "django_celery_beat.schedulers:DatabaseScheduler"
    env = compose["x-app"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert env["DEBUG"] == "false"


def test_procfile_runs_web_worker_and_beat():
    lines = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(lines) == {"web", "worker", "beat"}
    assert "DatabaseScheduler" in lines["beat"]


def test_every_dependency_is_pinned():
    for name in ("requirements.in", "requirements.lock", "requirements-dev.lock"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-r "):
                assert "==" in line, f"{name}: {line} is not pinned"


def test_production_installs_no_development_dependency():
    """The image installs requirements.lock; tools, test libraries and what only a benchmark uses
    (django-import-export) are in requirements-dev.lock."""
    production = (ROOT / "requirements.lock").read_text().lower()
    for name in ("pytest", "playwright", "schemathesis", "django-import-export", "ruff"):
        assert f"\n{name}==" not in production
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text()
    assert "pip install -r requirements.lock" in (ROOT / "Dockerfile").read_text()
