"""The shared cache on Redis: Django's backend with one client kept per connection pool."""

import pytest

from portal.cache import RedisCache


@pytest.fixture
def redis_cache(settings):
    assert settings.REDIS_AVAILABLE, "Redis is not reachable on 127.0.0.1:6379: run `make services`"
    cache = RedisCache(settings.THROTTLE_TEST_REDIS_URL, {"KEY_PREFIX": "test-cache"})
    yield cache
    cache.clear()


def test_values_round_trip_and_expire_as_with_djangos_backend(redis_cache):
    assert redis_cache.get("absent") is None
    redis_cache.set("estimate", 123456, 60)
    assert redis_cache.get("estimate") == 123456
    assert redis_cache.incr("estimate") == 123457
    redis_cache.set("gone", "x", 0)  # a timeout of zero deletes, as Django's backend does
    assert redis_cache.get("gone") is None
    assert redis_cache.add("estimate", 1) is False


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: one pool
    redis_cache.set("k", "v")
    assert redis_cache._cache.get_client("k") is client
