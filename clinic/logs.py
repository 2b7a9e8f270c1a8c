"""Logs an operator can search, and error reports that carry no patient data.

- One line per request (logger ``clinic.requests``): method, path, status, time taken and a
  request id. The id comes from the proxy (Caddy sets ``X-Request-ID``) or is made here; it
  is on every log line written while the request runs and in the response's
  ``X-Request-ID`` header, so a patient's "it said error" can be found in the log.
- ``LOG_FORMAT=json``: one JSON object per line (``JsonFormatter``), for a log search tool.
- ``SENTRY_DSN``: errors go to Sentry (``start_error_reports``), scrubbed by
  ``scrub_event``: no request body, query string, cookies, headers, user or local variables.

The path is logged without its query string (the admin's search box puts a patient's name
there). Every message and traceback, in the log and in Sentry, goes through ``scrub``:
appointment tokens (clinic.log_redaction), email addresses, phone numbers and the values
Postgres quotes in an error's DETAIL line are blanked out.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished

from .log_redaction import redact

EMAIL_ADDRESS = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
# A UK phone number as people type it (07700 900123, +44 7700 900123), not a date or time.
PHONE_NUMBER = re.compile(r"(?<![\d+])(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
# Postgres quotes the row's values after the error ("DETAIL:  Key (email)=(...)").
DETAIL_LINE = re.compile(r"^\s*DETAIL:.*$", re.M)


def scrub(text: str) -> str:
    """``text`` without private links, email addresses, phone numbers or the values
    Postgres quotes in an error's DETAIL line."""
    text = DETAIL_LINE.sub("DETAIL: <removed>", redact(text))
    return PHONE_NUMBER.sub("<phone>", EMAIL_ADDRESS.sub("<email>", text))


request_logger = logging.getLogger("clinic.requests")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An id from the proxy is kept only if it looks like one (a client cannot inject text).
INBOUND_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
REQUEST_ID_HEADER = "X-Request-ID"


class RequestLogMiddleware:
    """Outermost middleware: gives each request its id and writes its one log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        inbound = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = inbound if INBOUND_ID.match(inbound) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished): Django logs a 4xx or 5xx
        # after the middleware has returned.
        current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            took = round((time.perf_counter() - started) * 1000, 1)
            path = redact(request.path)
            request_logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                status,
                took,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": status,
                    "duration_ms": took,
                },
            )


def _forget_request_id(**kwargs) -> None:
    current_request_id.set("-")


request_finished.connect(_forget_request_id, dispatch_uid="clinic.logs.forget_request_id")


class RequestIdFilter(logging.Filter):
    """A handler filter: stamps each record with the id of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class PlainFormatter(logging.Formatter):
    """The plain line, with messages and tracebacks scrubbed (``scrub``): an error's text
    can quote what a patient typed."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = scrub(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return scrub(super().formatException(ei))


# Fields a log call may add with ``extra=`` that the JSON lines carry.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        for field in EXTRA_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, default=str)


# --- Error reports (Sentry) ---------------------------------------------------------------


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's ``before_send``: keep what finds the bug, drop what could name a patient."""
    request = event.pop("request", None) or {}
    if request.get("url"):
        url = redact(request["url"].split("?", 1)[0])
        event["request"] = {"method": request.get("method"), "url": url}
    event.pop("user", None)
    event.pop("extra", None)
    event.pop("server_name", None)
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = scrub(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    logentry = event.get("logentry") or {}
    if logentry:
        logentry["message"] = scrub(logentry.get("formatted") or logentry.get("message") or "")
        logentry.pop("formatted", None)
        logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = scrub(event["message"])
    breadcrumbs = event.get("breadcrumbs") or {}
    values = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs
    kept = [scrub_breadcrumb(crumb) for crumb in values]
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [crumb for crumb in kept if crumb]
    event.setdefault("tags", {})["request_id"] = current_request_id.get()
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    """Sentry's ``before_breadcrumb``: no SQL parameters, no patient data in messages."""
    crumb.pop("data", None)  # SQL parameters, HTTP query strings
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub(crumb["message"])
    return crumb


def start_error_reports(dsn: str, environment: str = "production") -> None:
    """Send unhandled errors to Sentry, with the scrubbing above and no performance data."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        # What Sentry collects by itself (it supersedes send_default_pii, off as well):
        # no user, cookies, headers, bodies (the form a patient typed), query strings, SQL
        # parameters or local variables (a booking's locals hold the patient's details).
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=0,
    )
