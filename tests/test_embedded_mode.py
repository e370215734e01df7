"""`make run`'s embedded mode works: on SQLite with the file broker, the demo loads, every beat
task runs, and no page a demo persona reaches answers 500. The rest of the suite runs on
PostgreSQL, where SQL that SQLite refuses (a `::` cast, a parenthesised UNION member) passes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _embedded(tmp_path, *args, timeout=600):
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "TEST_REDIS_URL"}}
    env = keep | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "LEERBORG_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_the_demo_runs_on_sqlite_and_no_page_fails(tmp_path):
    _embedded(tmp_path, "manage.py", "migrate", "--noinput", "-v0")
    _embedded(tmp_path, "manage.py", "seed_demo")
    assert (tmp_path / "leerborg.sqlite3").exists() or any(tmp_path.glob("*.sqlite3"))
    report = json.loads(_embedded(tmp_path, "-m", "tests.embedded_walk").strip().splitlines()[-1])
    assert report["failed_tasks"] == {}
    assert report["broken"] == []
    assert report["pages"] > 100  # the walk reached the demo's pages, not only a sign-in page


def test_monitorings_exact_figures_hold_on_sqlite(tmp_path):
    """The fact engine's figures are the same on SQLite: it stores an FTE of 1.00 as the integer 1
    and divided it as one (someone hired mid-year counted 0 FTE, so hours per FTE were wrong in
    `make run`). The exact-figure tests of monitoring run here on SQLite in their own process."""
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_XDIST_WORKER"}}
    env = keep | {"DJANGO_SETTINGS_MODULE": "config.settings_test", "LEERBORG_VAR_DIR": str(tmp_path)}
    tests = ["tests/monitoring/test_metrics.py", "tests/monitoring/test_kept.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout
    assert "failed" not in result.stdout
