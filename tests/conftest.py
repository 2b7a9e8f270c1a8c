import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, cached pages, clinic details)."""
    cache.clear()
    yield
    cache.clear()
