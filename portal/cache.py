"""The shared cache (Redis): Django's backend, with one client per connection pool."""

from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _PooledClients(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every get and set (its reply table of
    some two hundred commands each time): six of them on an API request. A client is safe to
    share across threads (it takes a connection from its pool per command) and its pool
    starts afresh in a forked process, so one client per pool is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        # Django's own client methods, which its type stubs do not list.
        index: int = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        try:
            return self._clients[index]
        except KeyError:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with `_PooledClients`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _PooledClients
