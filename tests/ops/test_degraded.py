"""In one process: the cache fails open (with a control that shows the 500 it prevents), the
database being away answers a friendly 503, readiness reports each part."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from catalog.models import Enrolment
from ops.cache import FailOpenRedisCache
from ops.models import Heartbeat
from tests.ops.servers import OwnRedis, free_port


def _unreachable_cache(backend: str) -> dict:
    return {"default": {"BACKEND": backend, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}


def test_cache_misses_and_skips_writes_while_redis_is_unreachable():
    dead = FailOpenRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    dead.set("k", 1)
    assert dead.get("k", "fallback") == "fallback"
    assert dead.get_many(["k"]) == {}
    assert dead.add("k", 1) is False
    dead.delete("k")
    with pytest.raises(ValueError, match="unavailable"):
        dead.incr("k")


@pytest.mark.django_db
def test_pages_and_a_request_work_with_the_cache_unreachable(client_for, employee, cheap_item):
    with override_settings(CACHES=_unreachable_cache("ops.cache.FailOpenRedisCache")):
        client = client_for(employee)
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("catalog:home")).status_code == 200
        url = reverse("catalog:item_request", args=[cheap_item.pk])
        response = client.post(url, {"motivation": "For my work"})
        assert response.status_code == 302
    assert Enrolment.objects.filter(employee=employee, item=cheap_item, status="approved").count() == 1


@pytest.mark.django_db
def test_control_django_redis_cache_unreachable_gives_the_500(client_for, employee):
    """The old behaviour: Django's own Redis cache raises, and the catalog answers 500."""
    with override_settings(CACHES=_unreachable_cache("django.core.cache.backends.redis.RedisCache")):
        client = client_for(employee)
        client.raise_request_exception = False
        assert client.get(reverse("catalog:home")).status_code == 500


def test_entries_from_before_an_outage_are_not_read_after_it(tmp_path):
    """An invalidation skipped during the outage must not leave a stale entry behind it."""
    redis_server = OwnRedis(tmp_path / "redis").start()
    try:
        options = {"OPEN_SECONDS": 0.2, "EPOCH_REFRESH_SECONDS": 0}
        web = FailOpenRedisCache(redis_server.url, {"OPTIONS": options})
        web.set("ranking", "before")
        assert web.get("ranking") == "before"
        redis_server.freeze()
        web.delete("ranking")  # the invalidation the outage swallows
        assert web.get("ranking") is None
        redis_server.thaw()
        import time

        time.sleep(0.3)
        assert web.get("ranking") is None
        other = FailOpenRedisCache(redis_server.url, {"OPTIONS": options})
        assert other.get("ranking") is None  # a process that saw no outage reads the new epoch
        other.set("ranking", "after")
        assert web.get("ranking") == "after"
    finally:
        redis_server.stop()


@pytest.fixture
def database_away(transactional_db):
    """The test's database connection pointed at a port where nothing listens, then back."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", free_port()
    yield
    connection.close()
    connection.settings_dict.update(saved)


@pytest.fixture
def signed_in(client_for, employee, transactional_db):
    return client_for(employee)


def test_pages_answer_a_friendly_503_in_the_persons_language_while_the_database_is_away(
    signed_in, database_away, require_postgres
):
    signed_in.raise_request_exception = False
    signed_in.cookies["django_language"] = "nl"
    response = signed_in.get(reverse("catalog:home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Zo weer terug" in body
    assert '<html lang="nl">' in body
    assert "Traceback" not in body


def test_the_api_answers_json_503_while_the_database_is_away(database_away, client, require_postgres):
    client.raise_request_exception = False
    response = client.get("/api/v1/employees/", HTTP_AUTHORIZATION="Bearer whatever")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "detail" in response.json()
    ready = client.get(reverse("ready"))
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"]["ok"] is False
    assert client.get(reverse("healthz")).status_code == 503


@pytest.mark.django_db
def test_readiness_reports_each_part_and_stale_heartbeats(client, settings):
    response = client.get(reverse("ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["heartbeats"]["worker"] == {"age_s": None, "ok": False}
    assert body["status"] == "degraded"
    from django.utils import timezone

    for name in ("worker", "beat"):
        Heartbeat.objects.create(name=name, at=timezone.now())
    body = client.get(reverse("ready")).json()
    assert body["heartbeats"]["beat"]["ok"] is True
    assert body["outbox"] == {"pending": 0, "oldest_age_s": None}
    assert body["status"] == ("ok" if body["checks"]["broker"]["ok"] else "degraded")


def test_readiness_says_degraded_when_the_cache_is_unreachable(client, db):
    with override_settings(CACHES=_unreachable_cache("ops.cache.FailOpenRedisCache")):
        body = client.get(reverse("ready")).json()
    assert body["checks"]["cache"]["ok"] is False
    assert body["status"] == "degraded"
    assert cache.get("nothing") is None
