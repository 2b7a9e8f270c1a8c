"""A cache server that accepts connections and never answers costs a page a quarter of a
second, not the page."""

import socket
import threading
import time

from django.conf import settings

from clinic.cache import cache_call
from clinic.redis_cache import RedisCache


def test_a_hanging_redis_is_given_up_on_quickly():
    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(black_hole.accept()), daemon=True).start()
    port = black_hole.getsockname()[1]
    cache = RedisCache(f"redis://127.0.0.1:{port}/1", {"OPTIONS": {**settings.REDIS_CACHE_OPTIONS}})
    started = time.monotonic()
    assert cache_call(cache.get, "page", default="built afresh") == "built afresh"
    assert time.monotonic() - started < 1.5
    black_hole.close()


def test_production_redis_settings_carry_the_timeouts(monkeypatch):
    import importlib

    import clinic.settings as clinic_settings

    monkeypatch.setenv("CACHE_URL", "redis://cache:6379/1")
    try:
        production = importlib.reload(clinic_settings)
        for alias in ("default", "pages"):
            options = production.CACHES[alias]["OPTIONS"]
            assert options["socket_timeout"] <= 0.5
            assert options["socket_connect_timeout"] <= 0.5
    finally:
        monkeypatch.delenv("CACHE_URL")
        importlib.reload(clinic_settings)
