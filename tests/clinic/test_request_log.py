"""Logs an operator can search (one line per request, with an id the response carries too)
and error reports that never hold patient data (clinic/logs.py)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sentry_sdk
from django.utils import timezone
from sentry_sdk.transport import Transport

from bookings.models import Appointment
from tests.bookings.factories import days_ahead, make_appointment, make_practitioner, make_service

ROOT = Path(__file__).resolve().parents[2]
PATIENT = {
    "name": "Ann Runner",
    "email": "ann@example.com",
    "phone": "07700 900123",
    "reason": "Sore knee after long runs",
    "consent": "on",
}


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "clinic.requests"]


@pytest.mark.django_db
def test_each_request_writes_one_line_with_the_id_its_response_carries(client, caplog):
    caplog.set_level(logging.INFO, logger="clinic.requests")
    response = client.get("/robots.txt")
    [line] = request_lines(caplog)
    assert response["X-Request-ID"] == line.request_id
    assert len(line.request_id) == 32
    assert (line.method, line.path, line.status) == ("GET", "/robots.txt", 200)
    assert line.getMessage().startswith("GET /robots.txt 200 ")
    client.get("/robots.txt")
    assert len(request_lines(caplog)) == 2
    assert request_lines(caplog)[1].request_id != line.request_id  # a new id each time


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_and_a_forged_one_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="clinic.requests")
    response = client.get("/robots.txt", headers={"X-Request-ID": "caddy-1234-abcd"})
    assert response["X-Request-ID"] == "caddy-1234-abcd"
    response = client.get("/robots.txt", headers={"X-Request-ID": "bad id\nFAKE LOG LINE"})
    assert "FAKE" not in response["X-Request-ID"]
    assert all("FAKE" not in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_line_has_no_query_string_and_no_private_link(client, admin_user, caplog):
    service = make_service()
    appointment = make_appointment(make_practitioner(service), service, days_ahead(3, 10))
    client.force_login(admin_user)
    caplog.set_level(logging.INFO, logger="clinic.requests")
    client.get("/admin/bookings/patient/", {"q": "Ann Runner"})  # reception's search
    client.get(f"/appointments/{appointment.token}/")
    logged = "\n".join(record.getMessage() for record in request_lines(caplog))
    assert "Ann" not in logged
    assert appointment.token not in logged
    assert "GET /admin/bookings/patient/ 200" in logged
    assert "GET /appointments/<token>/ 200" in logged


def test_log_format_json_writes_one_json_object_per_line_with_the_request_id():
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        # A NUL byte is refused (400) before any database work.
        "response = Client().get('/healthz?email=ann@example.com&x=%00')\n"
        "print('HEADER', response['X-Request-ID'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DJANGO_SECRET_KEY="json-log-test-" + "s3cr3t" * 10,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_MANIFEST="0",
        LOG_FORMAT="json",
        DATABASE_URL="sqlite:///:memory:",
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    *log_lines, header = result.stdout.strip().splitlines()
    request_id = header.split()[1]
    lines = [json.loads(line) for line in log_lines]
    request = [line for line in lines if line["logger"] == "clinic.requests"]
    assert [(r["method"], r["path"], r["status"]) for r in request] == [("GET", "/healthz", 400)]
    # Django's own "Bad Request" warning carries the same id: one search finds both.
    assert {line["request_id"] for line in lines} == {request_id}
    assert {"django.request", "clinic.requests"} <= {line["logger"] for line in lines}
    assert "ann@example.com" not in result.stdout
    assert all({"time", "level", "message"} <= line.keys() for line in lines)


class CapturedReports(Transport):
    """Sentry's transport, replaced: the reports are kept here instead of sent."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        self.events += [item.payload.json for item in envelope.items if item.type == "event"]


@pytest.fixture
def error_reports():
    from clinic.logs import scrub_breadcrumb, scrub_event, start_error_reports

    transport = CapturedReports()
    start_error_reports("https://public@sentry.example/1")  # the options production uses
    options = sentry_sdk.get_client().options
    assert options["before_send"] is scrub_event
    assert options["before_breadcrumb"] is scrub_breadcrumb
    sentry_sdk.get_client().transport = transport
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.django_db
def test_an_error_while_booking_is_reported_without_the_patients_details(
    client, error_reports, monkeypatch
):
    service = make_service()
    practitioner = make_practitioner(service)
    start = days_ahead(3, 10)

    def broken(*args, **kwargs):  # as a database error quotes a row's values
        patient = args[3]
        raise RuntimeError(
            f"could not book {patient.email}, {patient.phone}\n"
            f"DETAIL:  Key (name)=({patient.name}) already exists."
        )

    monkeypatch.setattr("bookings.views.book_appointment", broken)
    client.raise_request_exception = False
    url = f"/book/{service.slug}/{practitioner.slug}/{timezone.localtime(start):%Y-%m-%dT%H:%M}/"
    response = client.post(f"{url}?email={PATIENT['email']}", PATIENT)
    sentry_sdk.flush()

    assert response.status_code == 500
    [event] = error_reports
    report = json.dumps(event)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "book" in event["transaction"]  # where it happened
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert event["exception"]["values"][-1]["value"].startswith("could not book <email>")
    for detail in ("ann@example.com", "07700", "Ann Runner", "Sore knee", "csrftoken"):
        assert detail not in report
    assert not Appointment.objects.exists()


def test_log_lines_scrub_the_patient_details_an_error_can_quote():
    from clinic.logs import PlainFormatter

    try:
        raise ValueError(f"duplicate key\nDETAIL:  Key (name)=({PATIENT['name']}) exists.")
    except ValueError:
        record = logging.LogRecord(
            "bookings",
            logging.ERROR,
            __file__,
            1,
            "Failed for %s, %s at 2026-12-04 10:00",
            ("ann@example.com", "+44 7700 900123"),
            sys.exc_info(),
        )
    line = PlainFormatter("%(asctime)s %(message)s").format(record)
    for detail in ("ann@example.com", "7700", "Ann Runner"):
        assert detail not in line
    assert "Failed for <email>, <phone> at 2026-12-04 10:00" in line  # times stay readable
    assert "ValueError: duplicate key" in line
