"""The fault suite's own servers: a redis-server and a PostgreSQL cluster started for these tests on
free loopback ports (never the machine's 5432 and 6379), and the web side (this process) pointed at
them for the length of a test."""

import pytest
from celery import current_app
from django.db import connection
from django.test import override_settings

from ops import outbox
from tests.catalog.conftest import cheap_item, threshold  # noqa: F401 - fixtures, used by name
from tests.ops.servers import OwnPostgres, OwnRedis


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def web_on(own_redis):
    """This process as the web server on the test's Redis: cache and broker, tasks published for
    real (not run inline), with production's short broker socket timeouts."""
    conf = current_app.conf
    saved = {k: conf[k] for k in ("broker_url", "broker_transport_options", "task_always_eager")}
    cache = {"BACKEND": "ops.cache.FailOpenRedisCache", "LOCATION": own_redis.url}
    conf.update(
        broker_url=own_redis.url,
        broker_transport_options={"visibility_timeout": 3600, "socket_timeout": 2, "socket_connect_timeout": 2},
        task_always_eager=False,
    )
    _fresh_pools()
    with override_settings(CACHES={"default": cache}):
        yield own_redis
    conf.update(saved)
    _fresh_pools()


def _fresh_pools():
    """Connections and producers are pooled per broker URL: start over after changing it. The
    outbox's pause after a failed publish is this process's too: a test that froze the broker
    would otherwise leave the next test's relays to a sweep that it does not run."""
    current_app._pool = None
    current_app.amqp._producer_pool = None
    outbox._paused_until = 0.0


@pytest.fixture
def own_postgres(transactional_db, require_postgres):
    """A cluster of this test with the test database's schema; this process's connection points at
    it (persistent, with health checks, as in production) until the test ends."""
    import subprocess

    server = OwnPostgres().init()
    server.start()
    try:
        s = connection.settings_dict
        dump = subprocess.run(
            [
                "pg_dump",
                "--schema-only",
                "--no-owner",
                "-h",
                s["HOST"] or "127.0.0.1",
                "-p",
                str(s["PORT"] or 5432),
                "-U",
                s["USER"],
                s["NAME"],
            ],
            check=True,
            capture_output=True,
            env={"PGPASSWORD": s["PASSWORD"] or "", "PATH": "/usr/bin:/usr/local/bin"},
        ).stdout
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", server.url()], input=dump, check=True, capture_output=True
        )
        saved = dict(s)
        connection.close()
        s.update(
            HOST="127.0.0.1",
            PORT=server.port,
            NAME="postgres",
            USER="postgres",
            PASSWORD="",
            CONN_MAX_AGE=60,
            CONN_HEALTH_CHECKS=True,
        )
        yield server
        connection.close()
        s.clear()
        s.update(saved)
    finally:
        server.stop()
        server.remove()
