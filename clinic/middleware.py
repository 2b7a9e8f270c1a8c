import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from psycopg_pool import PoolClosed

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the address is a 400: Postgres refuses text holding one (a 500),
    and no page of ours takes one (the admin's filters pass query values straight on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                "That address holds a character we cannot read.\n",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class DatabaseOutage:
    """A circuit breaker for one server process.

    Without it, every request in an outage waits the connection pool's timeout
    before failing, the workers fall behind and requests queue until they time out.
    After a database outage this process answers 503 at once for
    ``DATABASE_OUTAGE_PAUSE`` seconds; then a single request first checks that the
    database answers (the others still get 503 meanwhile). The connection pool is
    dropped when the breaker trips, so that check opens a fresh connection at once
    instead of waiting out the old pool's growing back-off between reconnections.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._until: float | None = None  # None: the database is believed up
        self._probing = False

    def admit(self) -> str | None:
        """Say "pass", "probe" (the one request that checks the database) or None (503)."""
        with self._lock:
            if self._until is None:
                return "pass"
            if self._probing or time.monotonic() < self._until:
                return None
            self._probing = True
            return "probe"

    def trip(self, error: Exception) -> None:
        with self._lock:
            first = self._until is None
            self._until = time.monotonic() + settings.DATABASE_OUTAGE_PAUSE
            self._probing = False
        if first:
            logger.error("Database unavailable: %s", error)
        drop_connection_pools()

    def probe(self) -> bool:
        """For the one request let through: True when the database answers again."""
        answers = False
        try:
            answers = database_answers()
        finally:  # whatever happened, the next request after the pause may probe
            with self._lock:
                self._probing = False
                if answers:
                    self._until = None
        if answers:
            logger.warning("Database available again")
        return answers

    def reset(self) -> None:
        with self._lock:
            self._until, self._probing = None, False


outage = DatabaseOutage()

# SQLSTATEs of a lost or refused connection, and of a server shutting down or starting.
OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_outage(error: Exception) -> bool:
    """A database that is away, not one that answered with an error of its own (a
    deadlock, a lock or statement timeout, SQLite busy): those do not trip the breaker.

    Waiting too long for a pooled connection (PoolTimeout) is how an outage usually
    shows; a pool closed under a request is the breaker's own doing, not news.
    """
    cause = error.__cause__ or error
    if isinstance(cause, PoolClosed):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(OUTAGE_SQLSTATES)
    return "database is locked" not in str(cause)


def database_failed(error: Exception) -> bool:
    """A request met a database error: an outage trips the breaker (and says True)."""
    if is_outage(error):
        outage.trip(error)
        return True
    logger.error("Database error: %s", error)
    return False


def database_answers() -> bool:
    """One round trip to the database, through the pool as requests go. An error the
    database itself reports still means it answers; an outage trips the breaker."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        return not database_failed(error)
    return True


def drop_connection_pools() -> None:
    """Forget this process's Postgres pools; the next query builds a fresh one.

    The old pool is closed without waiting for its threads: a connection attempt to an
    unreachable server may hang until its connect_timeout, and no request should wait
    for that. Connections still out are closed when they are returned.
    """
    for db in connections.all(initialized_only=True):
        pools = getattr(type(db), "_connection_pools", None)  # Django's pools, per alias
        pool = pools.pop(db.alias, None) if pools is not None else None
        if pool is not None:
            try:
                pool.close(timeout=0)
            except Exception:  # it is dropped all the same
                logger.warning("Closing the connection pool failed", exc_info=True)


class DatabaseUnavailableMiddleware:
    """When the database is down, answer 503 with a plain page instead of a 500,
    and answer at once while it stays down (see ``DatabaseOutage``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admitted = outage.admit()
        if admitted is None:
            return service_unavailable()
        if admitted == "probe" and not outage.probe():
            return service_unavailable()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            database_failed(exception)
            return service_unavailable()
        return None


def service_unavailable() -> HttpResponse:
    # No request context: the page must render without touching the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
