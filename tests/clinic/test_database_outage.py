"""A database outage: 503 at once while it lasts, service again when it ends."""

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError, connection

from clinic import middleware, views

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_view_calls(monkeypatch):
    """Counts the home page's views; `calls.down = True` makes the database refuse."""
    real_get = views.HomeView.get

    class Calls:
        count = 0
        down = False

    def get(self, request, *args, **kwargs):
        Calls.count += 1
        if Calls.down:
            raise OperationalError("connection refused")
        return real_get(self, request, *args, **kwargs)

    monkeypatch.setattr(views.HomeView, "get", get)
    return Calls


def test_after_a_database_error_requests_get_503_without_waiting_on_the_database(
    client, settings, home_view_calls
):
    settings.DATABASE_OUTAGE_PAUSE = 60
    home_view_calls.down = True
    assert client.get("/").status_code == 503
    assert home_view_calls.count == 1

    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 503
        assert "Back in a moment" in response.content.decode()
    assert home_view_calls.count == 1  # answered at once: the view was not tried again
    assert client.get("/healthz").status_code == 503


def test_once_the_pause_is_over_one_request_tries_again_and_service_resumes(
    client, settings, home_view_calls
):
    settings.DATABASE_OUTAGE_PAUSE = 0
    home_view_calls.down = True
    assert client.get("/").status_code == 503
    assert client.get("/").status_code == 503  # the retry fails: still down
    assert home_view_calls.count == 2

    home_view_calls.down = False
    assert client.get("/").status_code == 200
    settings.DATABASE_OUTAGE_PAUSE = 60  # a new outage would pause again, but there is none
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_failed_health_check_also_pauses_the_pages(client, settings, monkeypatch):
    settings.DATABASE_OUTAGE_PAUSE = 60

    class DeadConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(middleware, "connection", DeadConnection())
    assert client.get("/healthz").status_code == 503
    assert client.get("/").status_code == 503


def test_a_database_error_outside_any_view_is_a_503_not_a_500(client, monkeypatch):
    def down(self, request, response):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionMiddleware, "process_response", down)
    client.raise_request_exception = False
    response = client.get("/privacy/")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_an_error_the_database_itself_reports_does_not_pause_the_site(
    client, settings, monkeypatch
):
    settings.DATABASE_OUTAGE_PAUSE = 60
    real_get = views.HomeView.get

    class DeadlockDetected(Exception):
        sqlstate = "40P01"  # the server is up: it chose a victim

    def deadlocked_once(self, request, *args, **kwargs):
        monkeypatch.setattr(views.HomeView, "get", real_get)
        raise OperationalError("deadlock detected") from DeadlockDetected()

    monkeypatch.setattr(views.HomeView, "get", deadlocked_once)
    assert client.get("/").status_code == 503  # "back in a moment", not a 500
    assert client.get("/").status_code == 200


def test_a_server_shutting_down_trips_the_breaker(client, settings, monkeypatch):
    settings.DATABASE_OUTAGE_PAUSE = 60
    calls = []

    class AdminShutdown(Exception):
        sqlstate = "57P01"  # terminating connection due to administrator command

    def shutting_down(self, request, *args, **kwargs):
        calls.append(request.path)
        raise OperationalError("terminating connection") from AdminShutdown()

    monkeypatch.setattr(views.HomeView, "get", shutting_down)
    assert client.get("/").status_code == 503
    assert client.get("/").status_code == 503
    assert calls == ["/"]  # the second was answered without trying the database


class DeadConnection:
    def cursor(self):
        raise OperationalError("could not connect to server")


def test_after_the_pause_the_database_is_checked_before_any_page_that_needs_it(
    client, settings, monkeypatch
):
    settings.DATABASE_OUTAGE_PAUSE = 0
    client.get("/")  # the home page is now in the page cache: it needs no database
    monkeypatch.setattr(middleware, "connection", DeadConnection())
    assert client.get("/healthz").status_code == 503  # trips the breaker
    # A page that needs the database waits for the check, which fails: 503.
    assert client.get("/articles/").status_code == 503
    # A page kept in the cache needs no database: visitors still get it.
    cached = client.get("/")
    assert (cached.status_code, cached["X-Page-Cache"]) == (200, "hit")
    monkeypatch.undo()
    assert client.get("/articles/").status_code == 200


def test_a_pool_closed_under_a_request_is_not_news_of_an_outage():
    from psycopg_pool import PoolClosed

    try:
        raise OperationalError("the pool is closed") from PoolClosed("closed")
    except OperationalError as error:
        assert not middleware.is_outage(error)


@pytest.mark.skipif(
    # Read from the settings: asking the connection for its pool would build one too early.
    not settings.DATABASES["default"].get("OPTIONS", {}).get("pool"),
    reason="the connection pool is Postgres only",
)
def test_an_outage_drops_the_pool_and_the_next_query_opens_a_fresh_one(client, settings):
    settings.DATABASE_OUTAGE_PAUSE = 0
    old_pool = connection.pool
    middleware.outage.trip(OperationalError("connection refused"))
    assert old_pool.closed
    assert client.get("/healthz").status_code == 200
    assert connection.pool is not old_pool
