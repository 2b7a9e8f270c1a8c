import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (rate limits, cached pages, clinic details)."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _database_believed_up():
    """A test that simulates a database outage does not leave the breaker open."""
    from clinic.middleware import outage

    outage.reset()
    yield
    outage.reset()


@pytest.fixture
def cache_server_away(monkeypatch):
    """Every cache call fails, as when the Redis server behind CACHE_URL is down."""

    def away(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to cache:6379. Connection refused.")

    for cache in caches.all():
        for method in ("get", "set", "add", "incr", "delete", "get_or_set", "get_many"):
            monkeypatch.setattr(cache, method, away)
