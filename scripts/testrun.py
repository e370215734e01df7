"""`make test`: lint, migration check and pytest, against PostgreSQL and Redis when they answer.

Without them the suite runs on SQLite and says loudly what it could not cover. Under CI=true a
missing PostgreSQL or Redis (or Chromium, or axe-core) is a failure, never a silent skip.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leerborg")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def postgres_answers(url: str) -> bool:
    import environ
    import psycopg2

    cfg = environ.Env.db_url_config(url)
    try:
        psycopg2.connect(
            dbname="postgres",
            user=cfg["USER"],
            password=cfg.get("PASSWORD") or None,
            host=cfg["HOST"],
            port=cfg.get("PORT") or 5432,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.exceptions.RedisError:
        return False


def loud(lines: list[str]) -> None:
    bar = "!" * 78
    print(f"\n{bar}", file=sys.stderr)
    for line in lines:
        print(f"!!  {line}", file=sys.stderr)
    print(f"{bar}\n", file=sys.stderr)


def run(*cmd: str, env=None) -> None:
    print("+", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def processes(args: list[str]) -> list[str]:
    """Two test processes by default (pytest-xdist, a whole file to each so module fixtures are made
    once): most of the suite's time is spent waiting for workers, browsers and servers, not on a
    core. TEST_PROCESSES=1, or `-n` given on the command line, decides otherwise."""
    wanted = os.environ.get("TEST_PROCESSES", "2")
    if wanted == "1" or "no:xdist" in args or any(a.startswith(("-n", "--numprocesses")) for a in args):
        return []
    return ["-n", wanted, "--dist", "loadfile"]


def main() -> None:
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    py = sys.executable
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test")
    missing = []
    if postgres_answers(PG_URL):
        env["DATABASE_URL"] = PG_URL
    else:
        env.pop("DATABASE_URL", None)
        missing.append(f"PostgreSQL ({PG_URL}): running on SQLite; locks, constraints and races are NOT tested.")
    if redis_answers(REDIS_URL):
        env["TEST_REDIS_URL"] = REDIS_URL
    else:
        env.pop("TEST_REDIS_URL", None)
        missing.append(f"Redis ({REDIS_URL}): the Celery worker round trips are NOT tested.")
    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        missing.append("Chromium (/usr/bin/chromium): the browser journeys and accessibility audits are NOT run.")
    if not (ROOT / "node_modules/axe-core/axe.min.js").exists():
        if shutil.which("npm"):
            run("npm", "ci", "--no-audit", "--no-fund", "--silent")
        else:
            missing.append("npm (for axe-core): the accessibility audits are NOT run.")
    if missing:
        loud(["NOT COVERED in this run:", *missing])
        if ci:
            loud(["CI=true: every service must be present. Failing."])
            sys.exit(2)
    env["LEERBORG_REQUIRE_ALL"] = "1" if ci else ""

    run(py, "-m", "ruff", "check", ".")
    run(py, "-m", "ruff", "format", "--check", ".")
    # The migration check compares models with migration files; it needs no test database.
    run(
        py,
        "manage.py",
        "makemigrations",
        "--check",
        "--dry-run",
        env={k: v for k, v in env.items() if k != "DATABASE_URL"} | {"LEERBORG_VAR_DIR": str(ROOT / "var")},
    )
    run(py, "-m", "pytest", *processes(sys.argv[1:]), *sys.argv[1:], env=env)
    if missing:
        loud(["Tests passed, but NOT everything was covered:", *missing])


if __name__ == "__main__":
    main()
