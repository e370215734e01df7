"""A Redis cache that fails open: when Redis is away, reads miss (the caller computes from the
database), writes and deletes are skipped and logged, and no request fails because of the cache.

A circuit breaker keeps an outage cheap: after a failure the backend leaves Redis alone for
`OPEN_SECONDS`, so only one request per process and period waits for a socket timeout. Entries
written before the outage may have missed an invalidation during it; so every key carries an epoch
(a counter in Redis, read at most every `EPOCH_REFRESH_SECONDS`) that a process which saw the outage
bumps once Redis answers again: the old entries are never read again and expire by their timeout."""

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)
ERRORS = (redis.RedisError, OSError)
EPOCH_KEY = "leerborg:cache-epoch"


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.open_seconds = float(options.pop("OPEN_SECONDS", 5.0))
        self.epoch_refresh_seconds = float(options.pop("EPOCH_REFRESH_SECONDS", 5.0))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._open_until = 0.0
        self._outage_seen = False
        self._epoch = 0
        self._epoch_read_at = -float("inf")

    # --- the breaker ------------------------------------------------------------------------------

    def _available(self) -> bool:
        if time.monotonic() < self._open_until:
            return False
        if self._outage_seen:
            try:
                self._epoch = int(self._cache.get_client(None, write=True).incr(EPOCH_KEY))
            except ERRORS as exc:
                self._trip(exc)
                return False
            self._epoch_read_at = time.monotonic()
            self._outage_seen = False
            log.warning("cache: Redis answers again; entries from before the outage are dropped")
        return True

    def _trip(self, exc: Exception) -> None:
        if not self._outage_seen:
            log.warning("cache: Redis unreachable (%s); serving without cache", exc)
        self._outage_seen = True
        self._open_until = time.monotonic() + self.open_seconds

    def _guarded(self, name: str, default, *args, **kwargs):
        if not self._available():
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except ERRORS as exc:
            self._trip(exc)
            return default

    def make_key(self, key, version=None):
        now = time.monotonic()
        if now - self._epoch_read_at >= self.epoch_refresh_seconds and now >= self._open_until:
            try:
                self._epoch = int(self._cache.get_client(None).get(EPOCH_KEY) or 0)
                self._epoch_read_at = now
            except ERRORS as exc:
                self._trip(exc)
        return f"e{self._epoch}:{super().make_key(key, version)}"

    # --- the cache API, each failing open ---------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def delete_many(self, keys, version=None):
        self._guarded("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        # No number to return without Redis: the caller's "key is missing" case.
        result = self._guarded("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def clear(self):
        self._guarded("clear", None)

    def probe(self) -> float:
        """Readiness: a round trip to Redis past the breaker; raises when Redis does not answer."""
        start = time.monotonic()
        self._cache.get_client(None).ping()
        return (time.monotonic() - start) * 1000
