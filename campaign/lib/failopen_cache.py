"""The shared cache (Redis) as an aid, never a single point of failure.

Every page and count is kept in Redis (CACHE_URL) to serve a surge. If Redis stops, a cache
that raised would make every public page a 500 while /healthz still said ok, and nobody could
sign. This backend is Django's RedisCache with every operation failing open: a read finds
nothing (the page is rendered uncached), a write is skipped, and the failure is logged at most
once a minute per process, not per request. `cache_unavailable_since()` tells /healthz, which
answers 200 with "cache": "unavailable" (a web node without its cache still serves).

Connecting and each command give up after CACHE_TIMEOUT_SECONDS (0.25 s), so a Redis that
hangs costs each request a quarter of a second, not a worker's whole timeout.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("campaign.cache")

LOG_EVERY_SECONDS = 60.0

_state_lock = threading.Lock()
_unavailable_since: float | None = None
_last_logged = 0.0


def cache_unavailable_since() -> float | None:
    """When (time.time()) the cache last started failing in this process; None when it works."""
    return _unavailable_since


def _failed(operation: str, error: Exception) -> None:
    global _unavailable_since, _last_logged
    now = time.time()
    with _state_lock:
        if _unavailable_since is None:
            _unavailable_since = now
        if now - _last_logged < LOG_EVERY_SECONDS:
            return
        _last_logged = now
    logger.error(
        "The shared cache is unavailable (%s: %s): pages are rendered uncached. "
        "Logged at most once a minute.",
        operation,
        error,
    )


def _worked() -> None:
    global _unavailable_since
    if _unavailable_since is not None:
        with _state_lock:
            if _unavailable_since is not None:
                logger.warning(
                    "The shared cache is back after %.0f s.", time.time() - _unavailable_since
                )
                _unavailable_since = None


def _guarded(name: str, fallback: Any) -> Any:
    parent = getattr(RedisCache, name)

    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            result = parent(self, *args, **kwargs)
        except RedisError as error:
            _failed(name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        _worked()
        return result

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, failing open (module docstring)."
    return method


def _default_of_get(key: Any, default: Any = None, version: Any = None) -> Any:
    return default


class FailOpenRedisCache(RedisCache):
    """RedisCache whose every operation fails open (module docstring)."""

    get = _guarded("get", _default_of_get)
    add = _guarded("add", False)
    set = _guarded("set", False)
    touch = _guarded("touch", False)
    delete = _guarded("delete", False)
    get_many = _guarded("get_many", lambda *args, **kwargs: {})
    has_key = _guarded("has_key", False)
    set_many = _guarded("set_many", lambda data, *args, **kwargs: list(data))
    delete_many = _guarded("delete_many", None)
    clear = _guarded("clear", False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            result = super().incr(key, delta, version)
        except RedisError as error:
            _failed("incr", error)
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).") from error
        _worked()
        return result
