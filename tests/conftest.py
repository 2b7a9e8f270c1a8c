import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (rate limits, cached pages, clinic details),
    and with no copies of pages in this process (clinic.cache.NearCache)."""
    from clinic.cache import forget_near_copies

    for cache in caches.all():
        cache.clear()
    forget_near_copies()
    yield
    for cache in caches.all():
        cache.clear()
    forget_near_copies()


@pytest.fixture(autouse=True)
def _no_mail_failures_remembered():
    """The worker's memory of failed sends (bookings.emails) starts empty in each test."""
    from bookings import emails

    emails._failures_seen = False
    yield
    emails._failures_seen = False


@pytest.fixture(autouse=True)
def _database_believed_up():
    """A test that simulates a database outage does not leave the breaker open."""
    from clinic.middleware import outage

    outage.reset()
    yield
    outage.reset()


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    """A worker run inside a test (run_tasks, `manage.py worker --batch`) leaves the
    database connection alone: between tasks it drops "old" connections, and on Postgres
    (CONN_MAX_AGE 0, with the pool) that is the test's own, whose transaction holds the
    test's rows."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def cache_server_away(monkeypatch):
    """Every cache call fails, as when the Redis server behind CACHE_URL is down."""

    def away(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to cache:6379. Connection refused.")

    for alias in caches:
        if alias == "fragments":  # each process's own memory, not the server
            continue
        for method in ("get", "set", "add", "incr", "delete", "get_or_set", "get_many"):
            monkeypatch.setattr(caches[alias], method, away)


def run_due_tasks() -> int:
    """Run every task that is due, in this process, as `manage.py worker` would (its own
    loop, in batch mode); deferred retries wait for their time. Returns how many ran."""
    from unittest import mock

    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # The worker drops stale connections between tasks; inside a test's transaction the
    # connection must stay (on Postgres, closing it would lose the test's data).
    with mock.patch(WORKER_CLOSES_CONNECTIONS, lambda: None):
        worker.run()
    return worker._run_tasks


WORKER_CLOSES_CONNECTIONS = "django_tasks_db.management.commands.db_worker.close_old_connections"


@pytest.fixture
def run_tasks():
    return run_due_tasks


@pytest.fixture
def mail_server_down(monkeypatch):
    """Every send fails, as when the mail server drops the connection."""
    import smtplib

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
