"""Appointments as iCalendar files, for the patient's own calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

from clinic.models import ClinicDetails

from .models import Appointment


def appointment_uid(appointment: Appointment) -> str:
    """A stable UID, so a moved or cancelled appointment updates the same calendar entry.

    Built from the id, never the private token (calendar files get forwarded).
    """
    host = urlsplit(settings.SITE_URL).hostname or "clinic.invalid"
    return f"appointment-{appointment.pk}@{host}"


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """The appointment as an .ics file: a request, or a cancellation of it."""
    return appointments_ics([appointment], cancelled=cancelled)


def appointments_ics(appointments: Iterable[Appointment], *, cancelled: bool = False) -> bytes:
    """Several appointments (a course's sessions) as one .ics file, one event each."""
    clinic = ClinicDetails.current()
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic.name}//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    for appointment in appointments:
        calendar.add_component(_event(appointment, clinic, cancelled))
    return calendar.to_ical()


def _event(appointment: Appointment, clinic: ClinicDetails, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", f"{appointment.service.name} with {appointment.practitioner.name}")
    event.add("location", f"{clinic.name}, {clinic.postal_address}")
    # No private link here: calendars get shared; the link stays in the email.
    event.add(
        "description",
        f"To cancel or change it, use the link in your confirmation email or phone {clinic.phone}.",
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # RFC 5546: a published or cancelled event names its organiser.
    event.add("organizer", vCalAddress(f"mailto:{clinic.email}"), parameters={"CN": clinic.name})
    # Each move or cancellation outranks the versions sent before it (a counter, not a clock).
    event.add("sequence", appointment.sequence)
    return event


def calendar_mimetype(*, cancelled: bool = False) -> str:
    """RFC 6047: an iCalendar attachment says its METHOD in its MIME type too."""
    return f"text/calendar; method={'CANCEL' if cancelled else 'PUBLISH'}"
