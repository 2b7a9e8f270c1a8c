"""The Redis cache backend the production settings use (clinic/redis_cache.py)."""

import pytest
import redis

from clinic.redis_cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-redis-cache"})
    backend.clear()
    yield backend
    backend.clear()


def test_it_stores_reads_counts_and_forgets(cache):
    cache.set("page", (b"<html>", {"ETag": "x"}), 30)
    assert cache.get("page") == (b"<html>", {"ETag": "x"})
    assert cache.get_or_set("version", 1, timeout=None) == 1
    assert cache.incr("version") == 2
    assert cache.get_many(["page", "version", "missing"]) == {
        "page": (b"<html>", {"ETag": "x"}),
        "version": 2,
    }
    cache.delete("page")
    assert cache.get("page") is None


def test_one_client_serves_every_call(cache, monkeypatch):
    """Django's own backend builds a redis.Redis per call, a fifth of a cached page's CPU."""
    built = []
    original = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    for n in range(20):
        cache.set(f"key{n}", n, 30)
        assert cache.get(f"key{n}") == n
    assert built == []  # the client made for the fixture's first call serves them all


def test_versions_are_bumped_in_one_round_trip_and_start_fresh_when_missing(cache):
    cache.set("known", 41, timeout=None)
    cache.incr_many(["known", "lost"], start=lambda: 1000)
    # Django's own get reads them back as numbers; a lost one starts from ``start()``.
    assert cache.get_many(["known", "lost"]) == {"known": 42, "lost": 1001}


def test_a_counter_counts_from_one_and_expires(cache):
    assert [cache.count("tries", timeout=30) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client()
    assert 0 < client.ttl(cache.make_key("tries")) <= 30  # the first count set its life


# --- Several servers sharing one Redis ---------------------------------------------------


@pytest.fixture
def shared_redis(cache, settings):
    """The production cache settings, on the test Redis database."""
    backend = {
        "BACKEND": "clinic.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test-redis-cache",
        "OPTIONS": dict(settings.REDIS_CACHE_OPTIONS),
    }
    servers = {"default": backend, "pages": {**backend, "KEY_PREFIX": "test-redis-cachepages"}}

    def another_server():
        # New settings make new cache objects, with their own connections: as a second
        # server would hold, sharing only what is in Redis.
        settings.CACHES = {alias: dict(values) for alias, values in servers.items()}

    another_server()
    return another_server


@pytest.fixture
def server(shared_redis, monkeypatch):
    """``server("A")`` makes the next requests go to server A: its own cache connections
    and its own copies of pages (clinic.cache.NearCache, on a clock the test moves), with
    only Redis shared between servers."""
    from clinic import cache as page_cache

    class Clock:
        now = 1000.0

    copies = {}

    def use(name: str):
        near = copies.setdefault(name, page_cache.NearCache(limit=1 << 20, clock=lambda: Clock.now))
        monkeypatch.setattr(page_cache, "_near", page_cache.NearCache(limit=0))
        shared_redis()  # new cache settings empty the copies in use: a throw-away set here
        monkeypatch.setattr(page_cache, "_near", near)

    use.clock = Clock
    return use


@pytest.mark.django_db
def test_a_booking_on_one_server_empties_the_week_on_every_other_at_once(client, server):
    from tests.bookings.factories import (
        days_ahead,
        make_appointment,
        make_practitioner,
        make_service,
    )

    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    start = days_ahead(7, 10)
    week = f"/book/massage/?practitioner=sam&day={start:%Y-%m-%d}"
    link = f"/book/massage/sam/{start:%Y-%m-%dT%H:%M}/".encode()
    server("A")
    assert link in client.get(week).content  # server A builds the week
    assert client.get(week)["X-Page-Cache"] == "hit"  # and keeps a copy of its own
    server("B")
    assert client.get(week)["X-Page-Cache"] == "hit"  # server B finds it in Redis
    make_appointment(sam, service, start)  # booked through server B
    server("A")
    again = client.get(week)  # A's copy is not trusted: a taken time goes at once
    assert again["X-Page-Cache"] == "miss"
    assert link not in again.content


@pytest.mark.django_db
def test_an_edit_on_one_server_shows_on_every_other_within_a_second(client, server):
    from tests.programs.factories import make_article

    article = make_article(title="Hamstrings for beginners")
    url = f"/articles/{article.slug}/"
    server("A")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"  # A has a copy, checked just now
    server("B")
    assert client.get(url)["X-Page-Cache"] == "hit"
    article.title = "Hamstrings for everyone"
    article.save()  # on server B
    assert b"Hamstrings for everyone" in client.get(url).content  # B: at once
    server("A")
    server.clock.now += 0.9
    assert b"Hamstrings for beginners" in client.get(url).content  # A: its copy, for now
    server.clock.now += 0.1
    assert b"Hamstrings for everyone" in client.get(url).content  # A: after a second
    server("C")
    assert b"Hamstrings for everyone" in client.get(url).content  # a server with no copy


@pytest.mark.django_db
def test_new_working_hours_on_one_server_show_on_every_other(client, shared_redis):
    """Each server process keeps the rota (bookings/rota.py) until the shared version moves."""
    from datetime import time

    from bookings.models import WorkingHours
    from bookings.rota import current_rota
    from tests.bookings.factories import days_ahead, make_practitioner, make_service

    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    day = days_ahead(7, 10).date()
    assert current_rota().hours[sam.pk]  # this server has read the rota
    shared_redis()  # another server changes Sam's hours on that day: evenings only
    WorkingHours.objects.filter(practitioner=sam, weekday=day.weekday()).delete()
    WorkingHours.objects.create(
        practitioner=sam, weekday=day.weekday(), start_time=time(18), end_time=time(20)
    )
    shared_redis()
    page = client.get(f"/book/massage/?practitioner=sam&day={day}").content.decode()
    assert f"/book/massage/sam/{day}T18:00/" in page
    assert f"/book/massage/sam/{day}T10:00/" not in page
