import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached pages, clinic details)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _database_believed_up():
    """A test that simulates a database outage does not leave the breaker open."""
    from clinic.middleware import outage

    outage.reset()
    yield
    outage.reset()
