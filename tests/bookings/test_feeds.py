"""Practitioners' calendar feeds: private, initials only, renewable, constant queries."""

from datetime import timedelta

import pytest
import vobject
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import audit
from bookings.booking import cancel_appointment
from bookings.feeds import initials

from .factories import days_ahead, make_appointment

pytestmark = pytest.mark.django_db


def feed(client, practitioner):
    return client.get(f"/diary/{practitioner.feed_token}.ics")


def events(response) -> list:
    calendar = vobject.readOne(response.content.decode())
    return list(getattr(calendar, "vevent_list", []))


def test_the_feed_holds_the_service_and_initials_and_nothing_else_about_the_patient(
    client, service, practitioner
):
    make_appointment(
        practitioner,
        service,
        days_ahead(2, 10),
        patient_name="Ann Runner",
        patient_email="ann.private@example.com",
        patient_phone="07700 900123",
        reason="Painful left knee",
    )
    response = feed(client, practitioner)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    [event] = events(response)
    assert event.summary.value == "Initial assessment: A.R."
    text = response.content.decode()
    for private in ("Ann", "Runner", "ann.private", "900123", "knee", "/appointments/"):
        assert private not in text


def test_the_feed_covers_30_days_back_to_90_ahead_and_leaves_out_cancellations(
    client, service, practitioner
):
    kept = [days_ahead(-29, 10), days_ahead(0, 23), days_ahead(89, 10)]
    for start in kept:
        make_appointment(practitioner, service, start)
    make_appointment(practitioner, service, days_ahead(-31, 10))
    make_appointment(practitioner, service, days_ahead(91, 10))
    cancel_appointment(make_appointment(practitioner, service, days_ahead(5, 10)), audit.SYSTEM)
    starts = sorted(event.dtstart.value for event in events(feed(client, practitioner)))
    assert starts == kept


def test_another_practitioners_appointments_are_not_in_the_feed(client, service, practitioner):
    from .factories import make_practitioner

    other = make_practitioner(service, name="Other Person", slug="other")
    make_appointment(other, service, days_ahead(2, 10))
    assert events(feed(client, practitioner)) == []


def test_a_renewed_token_stops_the_old_address(client, service, practitioner, settings):
    superuser = User.objects.create_superuser("boss", "boss@example.com", "x")
    client.force_login(superuser)
    old = practitioner.feed_token
    response = client.post(
        "/admin/bookings/practitioner/",
        {"action": "renew_calendar_address", "_selected_action": [practitioner.pk]},
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.feed_token != old and len(practitioner.feed_token) >= 43
    client.logout()
    assert client.get(f"/diary/{old}.ics").status_code == 404
    assert feed(client, practitioner).status_code == 200


def test_an_unknown_or_malformed_token_is_refused_never_a_500(client, practitioner):
    assert client.get("/diary/not-a-real-token.ics").status_code == 404
    assert client.get("/diary/a.b.ics").status_code == 404
    assert client.get("/diary/%00bad.ics").status_code == 400


def test_the_feed_costs_the_same_queries_with_one_appointment_or_fifty(
    client, service, practitioner
):
    make_appointment(practitioner, service, days_ahead(1, 9))
    feed(client, practitioner)  # the clinic's details cached
    with CaptureQueriesContext(connection) as one:
        feed(client, practitioner)
    for number in range(49):
        make_appointment(practitioner, service, days_ahead(2 + number // 4, 9 + 2 * (number % 4)))
    with CaptureQueriesContext(connection) as fifty:
        response = feed(client, practitioner)
    assert len(events(response)) == 50
    assert len(fifty) == len(one) <= 3


def test_initials_of_odd_names():
    assert initials("ann   runner") == "A.R."
    assert initials("") == "-"
    assert initials("Zoë O'Neil-Smith") == "Z.O."


def test_seed_demo_prints_the_demo_practitioners_feed_addresses(db):
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    from bookings.models import Practitioner

    for person in Practitioner.objects.all():
        assert f"/diary/{person.feed_token}.ics" in out.getvalue()
    this_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    from bookings.models import Appointment

    days = {timezone.localtime(a.start).date() for a in Appointment.objects.all()}
    assert any(this_week <= day < this_week + timedelta(days=7) for day in days)
    assert any(
        this_week + timedelta(days=7) <= day < this_week + timedelta(days=14) for day in days
    )
