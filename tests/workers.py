"""Starting and stopping real Celery worker (and beat) processes for integration tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


class WorkerProcess:
    def __init__(
        self,
        *,
        redis_url: str,
        log_path: Path,
        concurrency: int = 2,
        queues: str = "celery",
        extra_env: dict | None = None,
    ):
        self.redis_url = redis_url
        self.log_path = log_path
        self.concurrency = concurrency
        self.queues = queues
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.redis_url,
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DEBUG": "false",
            "EMAIL_URL": os.environ.get("TEST_WORKER_EMAIL_URL", "dummymail://"),
            **self.extra_env,
        }

    what = "worker"
    ready_marker = b"ready."

    def command(self) -> list[str]:
        """The celery sub-command and its options."""
        return [
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "-Q",
            self.queues,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ]

    def start(self, wait: float = 60.0) -> None:
        redis.Redis.from_url(self.redis_url).flushdb()
        self._spawn(wait)

    def _spawn(self, wait: float) -> None:
        """Start `celery -A config <command>` and wait until its log says it is ready."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *self.command()],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.what} exited early:\n{self.log()}")
            if self.ready_marker in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.what} did not start in {wait}s:\n{self.log()}")

    def send(self, name: str, *args, **kwargs):
        with app.connection_for_write(self.redis_url) as conn:
            return app.send_task(name, args=args, kwargs=kwargs, connection=conn)

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children): a crash, not a shutdown."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        connection.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class BeatProcess(WorkerProcess):
    """A real `celery beat` with the production scheduler (django-celery-beat's, in the database)."""

    what = "beat"
    ready_marker = b"beat: Starting"

    def command(self) -> list[str]:
        return [
            "beat",
            "--loglevel",
            "DEBUG",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile=",
        ]

    def start(self, wait: float = 60.0) -> None:
        self._spawn(wait)  # the broker is the worker's: nothing to flush

    def sent(self, entry: str) -> int:
        """How often this beat has sent the schedule entry's task."""
        return self.log().count(f"Sending due task {entry} ")


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, message: str = "condition"):
    """Poll until predicate() is truthy; the database is read fresh each time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
