import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


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
    After a database error this process answers 503 at once for
    ``DATABASE_OUTAGE_PAUSE`` seconds; then a single request tries the database
    again (the others still get 503 while it does). The connection pool is closed
    when the breaker trips, so that try opens a fresh connection at once instead of
    waiting out the old pool's growing back-off between reconnection attempts.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._until: float | None = None  # None: the database is believed up
        self._probing = False

    def admit(self) -> str | None:
        """Say "pass", "probe" (the one request that tries the database) or None (503)."""
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
        close_connection_pools()

    def probe_done(self, failed: bool) -> None:
        with self._lock:
            self._probing = False
            if not failed:
                self._until = None
                logger.warning("Database available again")

    def reset(self) -> None:
        with self._lock:
            self._until, self._probing = None, False


outage = DatabaseOutage()


# SQLSTATEs of a lost or refused connection, and of a server shutting down or starting.
OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_outage(error: Exception) -> bool:
    """A database that is away, not one that answered with an error of its own (a
    deadlock, a lock or statement timeout, SQLite busy): those do not trip the breaker."""
    cause = error.__cause__ or error
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(OUTAGE_SQLSTATES)
    return "database is locked" not in str(cause)


def database_failed(request, error: Exception) -> None:
    """Record that this request met a database error; an outage trips the breaker."""
    if is_outage(error):
        request.database_failed = True
        outage.trip(error)
    else:
        logger.error("Database error: %s", error)


def close_connection_pools() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("pool"):
            try:
                connection.close_pool()
            except Exception:  # a pool that cannot close cleanly is dropped all the same
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
        response = self.get_response(request)
        if admitted == "probe":
            outage.probe_done(failed=getattr(request, "database_failed", False))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            database_failed(request, exception)
            return service_unavailable()
        return None


DATABASE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable() -> HttpResponse:
    # No request context: the page must render without touching the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
