"""Practitioners' calendar feeds: a private subscription address per practitioner,
``/diary/<token>.ics``, for their phone's calendar app.

The feed holds their appointments from 30 days back to 90 ahead with the service and
the patient's initials only: no reason, email or phone, since calendars get synced to
other services and shown on lock screens. The token is renewed in admin
(``renew_feed_token``), which stops the old address at once. Three queries, however
many appointments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from icalendar import Calendar, Event

from clinic.models import ClinicDetails

from .calendar import appointment_uid
from .models import Appointment, Practitioner, new_token

DAYS_BACK = 30
DAYS_AHEAD = 90


def initials(name: str) -> str:
    """ "Ann Runner" -> "A.R."; an erased record has no name and no initials."""
    return "".join(f"{part[0].upper()}." for part in name.split() if part[0].isalnum()) or "-"


def feed_url(practitioner: Practitioner) -> str:
    path = reverse("bookings:practitioner_feed", args=[practitioner.feed_token])
    return f"{settings.SITE_URL}{path}"


def renew_feed_token(practitioner: Practitioner) -> None:
    """A new private address; the old one answers 404 from now on."""
    practitioner.feed_token = new_token()
    practitioner.save(update_fields=["feed_token"])


def practitioner_ics(practitioner: Practitioner, now: datetime) -> bytes:
    clinic = ClinicDetails.current()
    appointments = (
        Appointment.objects.active()
        .filter(
            practitioner=practitioner,
            start__gte=now - timedelta(days=DAYS_BACK),
            start__lt=now + timedelta(days=DAYS_AHEAD),
        )
        .select_related("service", "patient")
        .only("start", "end", "sequence", "service__name", "patient__name")
        .order_by("start")
    )
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic.name}//Diary//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{clinic.name}: {practitioner.name}")
    stamp = now.astimezone(UTC)
    for appointment in appointments:
        event = Event()
        event.add("uid", f"diary-{appointment_uid(appointment)}")
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.start.astimezone(UTC))
        event.add("dtend", appointment.end.astimezone(UTC))
        event.add("summary", f"{appointment.service.name}: {initials(appointment.patient.name)}")
        event.add("location", clinic.name)
        event.add("sequence", appointment.sequence)
        calendar.add_component(event)
    return calendar.to_ical()


@never_cache  # private: the address is the key, and the file names patients' initials
@require_http_methods(["GET", "HEAD"])
def practitioner_feed(request: HttpRequest, token: str) -> HttpResponse:
    practitioner = get_object_or_404(Practitioner.objects.active(), feed_token=token)
    response = HttpResponse(
        practitioner_ics(practitioner, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="diary.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
